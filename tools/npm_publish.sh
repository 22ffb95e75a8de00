#!/usr/bin/env bash
# Publish one napi-rs package of this repository (node or node-emulator) from the release workflow: the prebuilt
# modules of every platform go into their platform packages (npm/<suffix>/), those are published first and the main
# package last, so no install of the main package can ever resolve an optionalDependency that is not there yet.
#
# Usage: tools/npm_publish.sh PACKAGE_DIR ARTIFACTS_DIR [--dry-run]
#   ARTIFACTS_DIR holds the built <binary>.<suffix>.node files (every platform, downloaded from the build jobs).
#   --dry-run packs and checks each package (npm publish --dry-run) and publishes nothing.
# A version already on the registry is skipped, so re-running a release that failed half-way finishes it.
set -euo pipefail

package=$1
artifacts=$(cd "$2" && pwd)
dry_run=${3:-}
cd "$(dirname "$0")/../$package"

npm ci --no-audit --no-fund
npx napi artifacts --output-dir "$artifacts"

# napi artifacts only copies what it finds: a platform whose build went missing would publish an empty package.
missing=0
for dir in npm/*/; do
  if ! compgen -G "${dir}*.node" >/dev/null; then
    echo "tools/npm_publish.sh: $package/$dir has no .node file" >&2
    missing=1
  fi
done
[ "$missing" = 0 ]

for dir in npm/*/ .; do
  name=$(node -p "require('./$dir/package.json').name")
  version=$(node -p "require('./$dir/package.json').version")
  if [ "$dry_run" = --dry-run ]; then
    npm publish "$dir" --access public --dry-run
  elif npm view "$name@$version" version >/dev/null 2>&1; then
    echo "tools/npm_publish.sh: $name@$version is already on the registry, skipped"
  else
    npm publish "$dir" --access public --provenance
  fi
done
