#!/usr/bin/env bash
# make test-install-node: the npm packages install and work without Rust. Packs the four tarballs of this platform
# (ccc-aicall, ccc-aicall-emulator and their platform packages, holding the modules the last `npm run build` left:
# debug builds, no release build here), installs them into a fresh folder with npm offline, an empty npm cache and
# a registry that cannot answer (so every package comes from the tarballs), then, with cargo and rustc off PATH,
# places a call on the emulator from CommonJS and from ESM and type-checks a strict TypeScript file against the
# installed package. Any failing step fails the script; the temporary folder is removed either way.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tsc=$root/node/node_modules/typescript/bin/tsc
types=$root/node/node_modules/@types
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { printf '\n== %s\n' "$*"; }
fail() { echo "test-install-node: FAILED: $*" >&2; exit 1; }

step "pack the four packages (node/scripts/pack.sh)"
# --strip-debug: the debug builds without their DWARF (a fifth of the size), so packing and installing are quick.
mapfile -t tarballs < <("$root/node/scripts/pack.sh" --strip-debug "$work/tarballs")
[ "${#tarballs[@]}" = 4 ] || fail "expected 4 tarballs, got ${#tarballs[@]}"
ls -l "${tarballs[@]}"

step "a PATH without cargo and rustc"
mkdir "$work/bin"
ln -s "$(command -v node)" "$work/bin/node"
ln -s "$(readlink -f "$(command -v npm)")" "$work/bin/npm"
clean_path=$work/bin
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  [ -n "$d" ] && [ ! -e "$d/cargo" ] && [ ! -e "$d/rustc" ] && clean_path=$clean_path:$d
done
# Everything from here runs in this environment: no Rust toolchain, no npm registry, no npm cache.
norust=(env -u CARGO -u RUSTC -u CARGO_HOME -u RUSTUP_HOME PATH="$clean_path"
  npm_config_cache="$work/npm-cache" npm_config_registry=http://127.0.0.1:9/ npm_config_offline=true
  npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false)
"${norust[@]}" bash -c '! command -v cargo && ! command -v rustc' >/dev/null || fail "cargo or rustc is on PATH"
echo "PATH=$clean_path (command -v cargo and rustc: not found)"

step "npm install --offline the tarballs into a fresh folder"
app=$work/app
mkdir "$app"
cat >"$app/package.json" <<'JSON'
{ "name": "install-check", "version": "1.0.0", "private": true }
JSON
(cd "$app" && "${norust[@]}" npm install --offline --no-audit --no-fund "${tarballs[@]}")
for pkg in ccc-aicall ccc-aicall-emulator; do
  (cd "$app" && "${norust[@]}" node -e "
    const pkg = require('$pkg/package.json');
    const p = require('$root/node/platform.js');
    const suffix = p.platformSuffix(process.platform, process.arch, p.runningLibc());
    const platform = require('$pkg-' + suffix + '/package.json');
    if (platform.version !== pkg.version) throw new Error('$pkg: platform package ' + platform.version);
    console.log('installed', pkg.name, pkg.version, 'with', platform.name, platform.version);
  ") || fail "$pkg or its platform package is not installed"
done
[ ! -e "$app/node_modules/ccc-aicall/ccc-aicall.node" ] || fail "ccc-aicall carries a module of its own"

step "CommonJS and ESM: start the Emulator, place one call with the Client, check the version"
cat >"$app/call.cjs" <<'JS'
const { Client, Emulator, version } = require('ccc-aicall');
const expected = require('ccc-aicall/package.json').version;
if (version !== expected) throw new Error(`version ${version}, package.json ${expected}`);
(async () => {
  const emulator = await Emulator.start();
  try {
    const client = new Client(emulator.clientOptions());
    const { sessionId } = await client.createAiCall({
      sdkAppId: 1400000000, callee: '008613012345678', llmType: 'dify', apiKey: 'k', apiUrl: 'https://api.dify.ai/v1',
    });
    if (emulator.calls()[0]?.sessionId !== sessionId) throw new Error('the emulator did not record the call');
    console.log(`CommonJS: ccc-aicall ${version}, call placed, session ${sessionId}`);
  } finally {
    await emulator.stop();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
JS
cat >"$app/call.mjs" <<'JS'
import { createRequire } from 'node:module';
import { Client, Emulator, version } from 'ccc-aicall';

const expected = createRequire(import.meta.url)('ccc-aicall/package.json').version;
if (version !== expected) throw new Error(`version ${version}, package.json ${expected}`);
const emulator = await Emulator.start();
try {
  const client = new Client(emulator.clientOptions());
  const { sessionId } = await client.createAiCall({
    sdkAppId: 1400000000, callee: '008613012345678', llmType: 'dify', apiKey: 'k', apiUrl: 'https://api.dify.ai/v1',
  });
  if (emulator.calls()[0]?.sessionId !== sessionId) throw new Error('the emulator did not record the call');
  console.log(`ESM: ccc-aicall ${version}, call placed, session ${sessionId}`);
} finally {
  await emulator.stop();
}
JS
(cd "$app" && "${norust[@]}" node call.cjs) || fail "the CommonJS call"
(cd "$app" && "${norust[@]}" node call.mjs) || fail "the ESM call"

step "tsc --noEmit, strict, against the installed package's types"
cat >"$app/check.ts" <<'TS'
import { Client, Emulator, ValidationError, version, type AiCallResult } from 'ccc-aicall';

export async function place(): Promise<string> {
  const emulator: Emulator = await Emulator.start({ rateLimit: 0 });
  const client = new Client(emulator.clientOptions());
  const result: AiCallResult = await client.createAiCall({
    sdkAppId: 1400000000, callee: '008613012345678', llmType: 'dify', apiKey: 'k', apiUrl: 'https://api.dify.ai/v1',
  });
  // @ts-expect-error sdkAppId is a number: a type that accepted a string here would fail this check
  await client.createAiCall({ sdkAppId: '1400000000', callee: '008613012345678', llmType: 'dify' });
  const v: string = version;
  return `${v} ${result.sessionId} ${new ValidationError('x').kind}`;
}
TS
cat >"$app/tsconfig.json" <<JSON
{
  "compilerOptions": {
    "target": "ES2022", "module": "node16", "moduleResolution": "node16", "strict": true, "noEmit": true,
    "skipLibCheck": false, "typeRoots": ["$types"], "types": ["node"]
  },
  "files": ["check.ts"]
}
JSON
(cd "$app" && "${norust[@]}" node "$tsc" -p tsconfig.json) || fail "tsc against the installed types"
echo "check.ts type-checks (strict, with one @ts-expect-error that must be an error)"

printf '\ntest-install-node: passed (the packages installed from their tarballs, no Rust, no registry)\n'
