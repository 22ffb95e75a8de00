#!/usr/bin/env bash
# Start the emulator binary on a free port, run the official Python and Node SDKs against it, stop it.
# Usage: tests/official/run.sh EMULATOR_BINARY PYTHON   (make test-official passes both)
set -euo pipefail
bin=$(realpath "${1:?usage: run.sh EMULATOR_BINARY PYTHON}")
py=${2:?usage: run.sh EMULATOR_BINARY PYTHON}
cd "$(dirname "$0")"

out=$(mktemp)
"$bin" --port 0 >"$out" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$out"' EXIT

line=""
for _ in $(seq 200); do
    line=$(head -n 1 "$out")
    [[ $line == "listening on "* ]] && break
    kill -0 "$pid" 2>/dev/null || { echo "the emulator exited before listening" >&2; exit 1; }
    sleep 0.05
done
[[ $line == "listening on "* ]] || { echo "the emulator did not start listening within 10 s" >&2; exit 1; }

export CCC_EMULATOR_ENDPOINT=${line#listening on }
export CCC_EMULATOR_BIN=$bin
echo "emulator at $CCC_EMULATOR_ENDPOINT"

"$py" -m pytest -q -p no:cacheprovider test_python_sdk.py
node --test official_sdk.test.js
