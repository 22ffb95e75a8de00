'use strict';
// The leak check: the whole fault matrix again, in a child process with CCC_AICALL_LOG=debug, with a distinctive
// string in every secret field (SecretKey, token, the LLM apiKey, each TTS vendor's credential). No log line
// (the child's stderr), error message, stack, String(), inspect() or JSON.stringify() may contain one.
// Writes target/reliability/node-leaks.json.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { MATRIX, problems, writeReport } = require('./fault_matrix_runner');

test('no secret in any log line, message, stack, toString or inspect', () => {
  const child = spawnSync(process.execPath, [path.join(__dirname, 'fault_matrix_leak_child.js')], {
    env: { ...process.env, CCC_AICALL_LOG: 'debug' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  assert.equal(child.status, 0, child.stderr);
  const { rows, texts } = JSON.parse(child.stdout);
  const lines = child.stderr.split('\n').filter((l) => l.length > 0);
  const secrets = MATRIX.leak_check.secrets;
  const occurrences = [];
  for (const text of [...texts, ...lines, child.stdout]) {
    for (const s of secrets) if (text.includes(s)) occurrences.push(`${s} in: ${text.slice(0, 300)}`);
  }
  const found = problems(rows);
  writeReport('node-leaks', {
    language: 'node',
    logging: 'CCC_AICALL_LOG=debug, the child process stderr',
    rows_run: rows.length,
    log_lines: lines.length,
    log_lines_ccc_aicall: lines.filter((l) => l.includes(' ccc_aicall]')).length,
    texts: texts.length,
    texts_what: 'String, inspect (plain and showHidden), JSON.stringify, message and stack of every error; ' +
      'the same of every client and result',
    secrets: secrets.length,
    occurrences: occurrences.length,
    matrix_problems: found,
  });
  assert.ok(
    lines.some((l) => l.includes('attempt=')),
    `the client's attempt lines are captured: ${child.stderr.slice(0, 500)}`,
  );
  assert.deepEqual(occurrences, []);
  assert.deepEqual(found, []);
});
