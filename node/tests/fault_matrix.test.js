'use strict';
// The fault matrix (tests/cases/fault_matrix.json) through the Node package: each row's error class,
// outcomeUnknown, placed calls and emulator hits, and the invariant placed <= calls asked.
// Writes target/reliability/node-fault-matrix.json.

const test = require('node:test');
const assert = require('node:assert/strict');
const { run, problems, writeReport } = require('./fault_matrix_runner');

test('the fault matrix', async () => {
  const { rows } = await run();
  const found = problems(rows);
  writeReport('node-fault-matrix', { language: 'node', client: 'Client (Promise.all)', rows, problems: found });
  assert.deepEqual(found, []);
});
