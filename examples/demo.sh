#!/usr/bin/env bash
# make demo: start the bundled emulator, place calls from Python and from Node, print their ids and how they ended.
# The emulator's test credentials and endpoint are set for the two quickstarts only: nothing here can reach the
# real service, whatever credentials the shell has.
set -euo pipefail
emulator_bin=$1
python=$2
root=$(cd "$(dirname "$0")/.." && pwd)

out=$(mktemp)
work=$(mktemp -d)
"$emulator_bin" --port 0 >"$out" &
emulator_pid=$!
trap 'kill $emulator_pid 2>/dev/null; rm -rf "$out" "$work"' EXIT
for _ in $(seq 100); do
  grep -q '^listening on ' "$out" && break
  sleep 0.1
done
endpoint=$(sed -n 's/^listening on //p' "$out")
[ -n "$endpoint" ] || { echo "the emulator did not start" >&2; exit 1; }
echo "emulator: $endpoint"

demo_env=(env -u TENCENTCLOUD_SESSION_TOKEN -u TENCENTCLOUD_REGION -u CCC_SDK_APP_ID -u CCC_CALLEE -u LLM_API_KEY
  HOME="$work"
  CCC_AICALL_ENDPOINT="$endpoint"
  TENCENTCLOUD_SECRET_ID=AKIDccclocalemulatortestid00000000
  TENCENTCLOUD_SECRET_KEY=ccc-local-emulator-test-secret-key)

echo
echo "== Python (examples/quickstart.py)"
"${demo_env[@]}" "$python" "$root/examples/quickstart.py"

echo
echo "== Node (examples/quickstart.mjs)"
# As an installed package: node_modules/ccc-aicall is this repository's node/ package.
mkdir -p "$work/node_modules"
ln -s "$root/node" "$work/node_modules/ccc-aicall"
cp "$root/examples/quickstart.mjs" "$work/"
(cd "$work" && "${demo_env[@]}" node quickstart.mjs)
