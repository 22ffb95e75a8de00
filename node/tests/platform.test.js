'use strict';
// Which native module loads: the platform table, the errors of an install without a module for this machine, and
// the emulator's module loaded by the first `Emulator.start()`, never by `require('ccc-aicall')`.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');
const { platformPackage, runningLibc, describePlatform } = require('../platform.js');

const run = promisify(execFile);
const NODE_DIR = path.resolve(__dirname, '..');

test('each platform of the release matrix has its package; any other has none', () => {
  const table = [
    ['linux', 'x64', 'glibc', 'ccc-aicall-linux-x64-gnu'],
    ['linux', 'arm64', 'glibc', 'ccc-aicall-linux-arm64-gnu'],
    ['linux', 'x64', 'musl', 'ccc-aicall-linux-x64-musl'],
    ['linux', 'arm64', 'musl', 'ccc-aicall-linux-arm64-musl'],
    ['darwin', 'x64', null, 'ccc-aicall-darwin-x64'],
    ['darwin', 'arm64', null, 'ccc-aicall-darwin-arm64'],
    ['win32', 'x64', null, 'ccc-aicall-win32-x64-msvc'],
  ];
  for (const [platform, arch, libc, expected] of table) {
    assert.equal(platformPackage('ccc-aicall', platform, arch, libc), expected, `${platform} ${arch} ${libc}`);
  }
  assert.equal(platformPackage('ccc-aicall-emulator', 'linux', 'x64', 'musl'), 'ccc-aicall-emulator-linux-x64-musl');
  for (const [platform, arch, libc] of [
    ['linux', 'ia32', 'glibc'],
    ['linux', 'x64', null],
    ['win32', 'arm64', null],
    ['win32', 'ia32', null],
    ['freebsd', 'x64', null],
    ['linux', 'riscv64', 'glibc'],
    ['android', 'arm64', null],
  ]) {
    assert.equal(platformPackage('ccc-aicall', platform, arch, libc), null, `${platform} ${arch} ${libc}`);
  }
});

test('this machine: Linux names its libc, another system none', () => {
  const libc = runningLibc();
  if (process.platform === 'linux') assert.ok(libc === 'glibc' || libc === 'musl', String(libc));
  else assert.equal(libc, null);
});

// The package's JavaScript alone in a folder, as an install with --omit=optional leaves it: no module beside it
// and no platform package.
function copyPackage(t, extra = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-aicall-pkg-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const pkg = path.join(dir, 'node_modules', 'ccc-aicall');
  fs.mkdirSync(pkg, { recursive: true });
  for (const file of ['index.js', 'index.mjs', 'platform.js', 'package.json']) {
    fs.copyFileSync(path.join(NODE_DIR, file), path.join(pkg, file));
  }
  for (const [file, text] of Object.entries(extra)) fs.writeFileSync(path.join(pkg, file), text);
  return { dir, pkg };
}

async function requireIn(dir, code = "require('ccc-aicall')") {
  try {
    const { stdout } = await run(process.execPath, ['-e', code], { cwd: dir });
    return { ok: true, stdout };
  } catch (e) {
    return { ok: false, stderr: e.stderr };
  }
}

test('without its platform package, require throws one error naming platform, package and fix', async (t) => {
  const { dir } = copyPackage(t);
  const libc = runningLibc();
  const expected = platformPackage('ccc-aicall', process.platform, process.arch, libc);
  const result = await requireIn(dir);
  assert.equal(result.ok, false);
  const shown = describePlatform(process.platform, process.arch, libc);
  if (expected === null) {
    assert.match(result.stderr, new RegExp(`Error: ccc-aicall: ${shown.replace(/[()]/g, '\\$&')} is not a supported`));
    return;
  }
  const message = result.stderr.split('\n').find((l) => l.startsWith('Error: '));
  assert.equal(
    message,
    `Error: ccc-aicall: the native module for ${shown} is in the package ${expected}, which is not installed. ` +
      'It is an optional dependency of ccc-aicall: reinstall without --no-optional or --omit=optional ' +
      '(e.g. rm -rf node_modules && npm install).',
  );
});

test('in a checkout without a build, require says to build', async (t) => {
  const { dir, pkg } = copyPackage(t, { 'Cargo.toml': '' });
  const result = await requireIn(dir);
  assert.equal(result.ok, false);
  assert.ok(
    result.stderr.includes(
      `Error: ccc-aicall: ${path.join(pkg, 'ccc-aicall.node')} is not built; \`npm run build\` in the checkout's node/`,
    ),
    result.stderr,
  );
});

const SHOW_LOADED = `
  const loaded = () => ({
    modules: process.report.getReport().sharedObjects.filter((f) => f.endsWith('.node')).map((f) => path.basename(f)),
    emulatorCached: Object.keys(require.cache).filter((f) => f.includes('emulator')).map((f) => path.basename(f)),
  });
`;

test('the platform package loads when installed; the Emulator then asks for ccc-aicall-emulator', async (t) => {
  const libc = runningLibc();
  const suffix = platformPackage('', process.platform, process.arch, libc)?.slice(1);
  if (!suffix) return t.skip(`no platform package for ${process.platform} ${process.arch}`);
  const { dir } = copyPackage(t);
  const platformDir = path.join(dir, 'node_modules', `ccc-aicall-${suffix}`);
  fs.mkdirSync(platformDir);
  const manifest = JSON.parse(fs.readFileSync(path.join(NODE_DIR, 'npm', suffix, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(platformDir, 'package.json'), JSON.stringify(manifest));
  fs.copyFileSync(path.join(NODE_DIR, 'ccc-aicall.node'), path.join(platformDir, manifest.main));
  const code = `
    const path = require('node:path');
    ${SHOW_LOADED}
    const { version, Emulator } = require('ccc-aicall');
    console.log(JSON.stringify({ version, ...loaded() }));
    Emulator.start().then(
      () => console.log('started'),
      (e) => console.log(JSON.stringify({ error: e.message, ...loaded() })),
    );
  `;
  const result = await requireIn(dir, code);
  assert.ok(result.ok, result.stderr);
  const [before, after] = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(before, { version: manifest.version, modules: [manifest.main], emulatorCached: [] });
  assert.deepEqual(after, {
    error:
      'Emulator needs the ccc-aicall-emulator package (the local CreateAICall service is not part of the runtime): ' +
      'npm install --save-dev ccc-aicall-emulator',
    modules: [manifest.main],
    emulatorCached: [],
  });
});

test("require('ccc-aicall') loads no emulator; the first Emulator.start() loads its module", async () => {
  const code = `
    const path = require('node:path');
    ${SHOW_LOADED}
    const { Emulator } = require('ccc-aicall');
    console.log(JSON.stringify(loaded()));
    Emulator.start().then(async (emulator) => {
      console.log(JSON.stringify(loaded()));
      await emulator.stop();
    });
  `;
  const result = await requireIn(NODE_DIR, code);
  assert.ok(result.ok, result.stderr);
  const [before, after] = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(before, { modules: ['ccc-aicall.node'], emulatorCached: [] });
  assert.deepEqual(after, {
    modules: ['ccc-aicall.node', 'ccc-aicall-emulator.node'],
    emulatorCached: ['index.js', 'ccc-aicall-emulator.node'],
  });
});
