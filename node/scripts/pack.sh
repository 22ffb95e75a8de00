#!/usr/bin/env bash
# npm pack, into $1, the four packages a release publishes for this machine's platform: ccc-aicall and
# ccc-aicall-emulator (JavaScript and types only) and their platform packages (napi-rs's npm/<suffix>/), each
# platform package holding the module the last `npm run build` (debug) or `npm run build:release` left in the crate.
# Prints the tarballs' paths, one a line, on stdout. --strip-debug: the modules without their debug information
# (tests/install/node_install.sh packs debug builds, five times the size of a release build with it).
set -euo pipefail
strip_debug=false
[ "$1" = --strip-debug ] && { strip_debug=true; shift; }
dest=$(mkdir -p "$1" && cd "$1" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
suffix=$(node -e "
  const p = require('$root/node/platform.js');
  const s = p.platformSuffix(process.platform, process.arch, p.runningLibc());
  if (!s) { console.error('no platform package for ' + process.platform + ' ' + process.arch); process.exit(1); }
  console.log(s);")

pack() {
  (cd "$1" && npm pack --silent --pack-destination "$dest") | sed "s|^|$dest/|"
}
for crate in node node-emulator; do
  dir=$root/$crate
  binary=$(node -p "require('$dir/package.json').napi.binaryName")
  [ -f "$dir/$binary.node" ] || { echo "$dir/$binary.node is not built (npm run build in node/)" >&2; exit 1; }
  # napi-rs's layout (what `napi artifacts` does with `napi build --platform` output): the module in its package.
  cp "$dir/$binary.node" "$dir/npm/$suffix/$binary.$suffix.node"
  if $strip_debug; then strip --strip-debug "$dir/npm/$suffix/$binary.$suffix.node"; fi
  pack "$dir/npm/$suffix"
  pack "$dir"
done
