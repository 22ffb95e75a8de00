'use strict';
// A Rust panic inside a binding call reaches JavaScript as an Error (thrown, or a rejected Promise), never an
// abort, and the next call works. The triggers are test-only hooks of the native module (src/testing_hooks.rs).
// Writes target/reliability/node-panic.json.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { pkg, validParams, startEmulator } = require('./helpers');
const { writeReport } = require('./fault_matrix_runner');

const native = require(path.join(__dirname, '..', 'ccc-aicall.node'));
const seen = { language: 'node' };

test.after(() => writeReport('node-panic', seen));

test('a panic in a synchronous call throws', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  let thrown;
  assert.throws(() => native.panicForTest(), (e) => (thrown = e) instanceof Error && /test-only panic/.test(e.message));
  const placed = await new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0 }).createAiCall(validParams());
  assert.match(placed.sessionId, /^[0-9a-f]{32}$/);
  seen.sync = `${thrown.name}: ${thrown.message}; the next call placed`;
});

test('a panic in an async call rejects its Promise', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  let rejected;
  await assert.rejects(native.panicForTestAsync(), (e) => (rejected = e) instanceof Error && /panic/.test(e.message));
  const placed = await new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0 }).createAiCall(validParams());
  assert.match(placed.sessionId, /^[0-9a-f]{32}$/);
  assert.equal(emulator.calls().length, 1);
  seen.async = `${rejected.name}: ${rejected.message}; the next call placed`;
});
