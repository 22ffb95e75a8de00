'use strict';
// readCallsCsv: a file that cannot be read is the platform's error (as `fs` throws it), and a bad row is reported
// with the file line it came from, whatever the caller did to the array in between.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { promisify, getSystemErrorMap } = require('node:util');
const { pkg, startEmulator } = require('./helpers');
const { Client, readCallsCsv, CccError, ValidationError } = pkg;

const DEFAULTS = {
  sdkAppId: 1400000000,
  llmType: 'openai',
  apiKey: 'sk-csv-secret',
  apiUrl: 'https://api.openai.com/v1/',
  systemPrompt: 'Remind {{name}} of the appointment.',
  model: 'gpt-4o-mini',
};

const reject = (promise) => promise.then(() => assert.fail('expected a rejection'), (e) => e);

function tmpdir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-aicall-csv-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// What `fs` itself throws for the same path, to compare shapes with.
function fsError(file) {
  try {
    fs.readFileSync(file);
  } catch (e) {
    return e;
  }
  return assert.fail(`${file} could be read`);
}

test('a missing file rejects with the platform not-found error (ENOENT), as fs does', async (t) => {
  const file = path.join(tmpdir(t), 'missing.csv');
  const e = await reject(readCallsCsv(file));
  const expected = fsError(file);
  assert.ok(e instanceof Error, String(e));
  assert.ok(!(e instanceof CccError), 'a file error is not a CccError (nor a ConfigurationError)');
  assert.equal(e.code, 'ENOENT');
  assert.equal(e.errno, expected.errno);
  assert.equal(e.syscall, 'open');
  assert.equal(e.path, file);
  assert.equal(e.message, expected.message);
  assert.match(e.stack, /csv\.test\.js/, 'the stack points at the caller');
});

// Root reads any file, so the check runs in a child process as `nobody` when these tests run as root.
test('an unreadable file rejects with EACCES', async (t) => {
  const dir = tmpdir(t);
  const file = path.join(dir, 'locked.csv');
  fs.writeFileSync(file, 'callee\n008613000000001\n');
  fs.chmodSync(file, 0o000);
  fs.chmodSync(dir, 0o755);
  const script = `
    require(${JSON.stringify(path.resolve(__dirname, '..'))}).readCallsCsv(process.argv[1]).then(
      () => process.stdout.write('read'),
      (e) => process.stdout.write(JSON.stringify({ ...e, message: e.message })));`;
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const run = promisify(execFile);
  const { stdout } = await run(process.execPath, ['-e', script, file], { ...asNobody, timeout: 30_000 });
  const e = JSON.parse(stdout);
  assert.deepEqual(e, {
    errno: [...getSystemErrorMap()].find(([, [name]]) => name === 'EACCES')[0],
    code: 'EACCES',
    syscall: 'open',
    path: file,
    message: `EACCES: permission denied, open '${file}'`,
  });
});

test('other read failures are the generic I/O error, with the platform reason in the message', async (t) => {
  const dir = tmpdir(t); // a directory opens, then fails to read
  const e = await reject(readCallsCsv(dir));
  assert.ok(e instanceof Error && !(e instanceof CccError), String(e));
  assert.equal(e.code, 'EIO');
  assert.equal(typeof e.errno, 'number');
  assert.equal(e.path, dir);
  assert.match(e.message, /^EIO: /);
  assert.match(e.message, /directory/i, 'the platform reason is kept');
});

// A blank line and a quoted cell over two lines: a row's file line is not its index + 2.
const PATIENTS =
  'callee,name,note\n008613000000001,Li,ok\n\n008613000000002,Wang,"two\nlines"\nnot-a-number,Zhao,\n0086abc,Qian,\n';

async function patients(t) {
  const dir = tmpdir(t);
  const file = path.join(dir, 'patients.csv');
  fs.writeFileSync(file, PATIENTS);
  const previous = process.cwd();
  process.chdir(dir); // read as `patients.csv`, the way a script next to its file names it
  t.after(() => process.chdir(previous));
  return readCallsCsv('patients.csv');
}

test('problems of CSV rows name calls[i] and the file line of the row', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const calls = await patients(t);

  const e = await reject(client.createAiCalls(calls, { defaults: DEFAULTS }));
  assert.ok(e instanceof ValidationError, String(e));
  assert.deepEqual(e.errors.map((p) => p.field), ['calls[2].callee', 'calls[3].callee']);
  assert.match(e.errors[0].message, / \(patients\.csv line 6\)$/);
  assert.match(e.errors[1].message, / \(patients\.csv line 7\)$/);
  assert.match(e.message, /patients\.csv line 6/);
  assert.equal(emulator.hits(), 0);
});

test('rows stay plain objects; lines follow them when the array is reordered or filtered, ' +
  'copies have none', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const calls = await patients(t);
  assert.ok(Array.isArray(calls));
  for (const call of calls) {
    assert.equal(Object.getPrototypeOf(call), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyNames(call).sort(), Object.keys(call).sort(), 'nothing hidden on the row');
  }
  assert.deepEqual(calls[0], {
    callee: '008613000000001',
    variables: [{ key: 'name', value: 'Li' }, { key: 'note', value: 'ok' }],
  });
  assert.deepEqual(JSON.parse(JSON.stringify(calls)), calls);

  const fieldsAndLines = (e) => e.errors.map((p) => `${p.field} ${/\(([^)]*)\)$/.exec(p.message)?.[1] ?? '-'}`);

  // Reversed: the bad rows are now calls[0] and calls[1], still lines 7 and 6.
  let e = await reject(client.createAiCalls([...calls].reverse(), { defaults: DEFAULTS }));
  assert.deepEqual(fieldsAndLines(e), ['calls[0].callee patients.csv line 7', 'calls[1].callee patients.csv line 6']);

  // Filtered, with a hand-written item in front: that one has no line, the row keeps its own.
  const mine = { callee: 'mine' };
  const filtered = [mine, ...calls.filter((c) => c.callee !== '0086abc')];
  e = await reject(client.createAiCalls(filtered, { defaults: DEFAULTS }));
  assert.deepEqual(fieldsAndLines(e), ['calls[0].callee -', 'calls[3].callee patients.csv line 6']);

  // A row edited in place is still the row of that line; a copy is a new object without one.
  calls[3].callee = 'still-bad';
  e = await reject(client.createAiCalls(calls.map((c) => ({ ...c })), { defaults: DEFAULTS }));
  assert.deepEqual(fieldsAndLines(e), ['calls[2].callee -', 'calls[3].callee -']);
  e = await reject(client.createAiCalls(calls, { defaults: DEFAULTS }));
  assert.deepEqual(fieldsAndLines(e), ['calls[2].callee patients.csv line 6', 'calls[3].callee patients.csv line 7']);

  // Fixed rows run; nothing of the file's lines goes on the wire.
  const report = await client.createAiCalls(calls.slice(0, 2), { defaults: DEFAULTS });
  assert.equal(report.placed, 2);
  assert.ok(!JSON.stringify(emulator.calls()).includes('patients.csv'));
});
