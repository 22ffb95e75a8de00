#!/usr/bin/env bash
# Publish one napi-rs package of this repository (node or node-emulator) from the release workflow: the prebuilt
# modules of every platform go into their platform packages (npm/<suffix>/), those are published first and the main
# package last, so no install of the main package can ever resolve an optionalDependency that is not there yet.
#
# Usage: tools/npm_publish.sh prepare PACKAGE_DIR ARTIFACTS_DIR
#          the dev tools (npm ci), then `napi artifacts` sorts the built <binary>.<suffix>.node files of every
#          platform (ARTIFACTS_DIR, downloaded from the build jobs) into the platform packages
#        tools/npm_publish.sh dry-run PACKAGE_DIR    packs and checks each package, publishes nothing
#        tools/npm_publish.sh publish PACKAGE_DIR    publishes each package with provenance
# `prepare` runs the dev tools, so the workflow runs it in a step that holds no npm token. A version already on the
# registry is skipped, so re-running a release that failed half-way finishes it.
set -euo pipefail
shopt -s nullglob

mode=$1
package=$2
case "$mode" in
  prepare) artifacts=$(cd "$3" && pwd) ;;
  dry-run | publish) ;;
  *) echo "tools/npm_publish.sh: unknown mode $mode (prepare, dry-run or publish)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/../$package"

if [ "$mode" = prepare ]; then
  npm ci --no-audit --no-fund
  npx napi artifacts --output-dir "$artifacts"
  # napi artifacts refuses a configured target with no module; this also catches a platform package left out of
  # the configuration, which would be published empty.
  missing=0
  for dir in npm/*/; do
    if ! compgen -G "${dir}*.node" >/dev/null; then
      echo "tools/npm_publish.sh: $package/$dir has no .node file" >&2
      missing=1
    fi
  done
  exit "$missing"
fi

for dir in npm/*/ .; do
  name=$(node -p "require('./$dir/package.json').name")
  version=$(node -p "require('./$dir/package.json').version")
  if [ "$mode" = dry-run ]; then
    npm publish "$dir" --access public --dry-run
  elif npm view "$name@$version" version >/dev/null 2>&1; then
    echo "tools/npm_publish.sh: $name@$version is already on the registry, skipped"
  else
    npm publish "$dir" --access public --provenance
  fi
done
