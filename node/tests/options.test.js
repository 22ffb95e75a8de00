'use strict';
// Client options: the core reads them as Node names them (durations in milliseconds), names a bad one the Node
// way, and decides what a client shows of itself (the SecretId masked), as it does for Python and Rust.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const { inspect } = require('node:util');
const { pkg } = require('./helpers');
const { Client, ConfigurationError } = pkg;

const CASES_FILE = path.join(__dirname, '..', '..', 'tests', 'cases', 'client_options.json');
const CASES = JSON.parse(fs.readFileSync(CASES_FILE, 'utf8'));

function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
}

test('bad options are named the way Node spells them, durations in milliseconds', () => {
  for (const c of CASES.invalid) {
    const error = thrown(() => new Client({ ...CASES.base.camel, ...c.camel }));
    assert.ok(error instanceof ConfigurationError, `${c.name}: ${error}`);
    assert.equal(error.message, c.camel_message, c.name);
    assert.equal(error.kind, 'config');
  }
});

test('durations are milliseconds', () => {
  const { config } = new Client({ ...CASES.base.camel, timeoutMs: 1500, connectTimeoutMs: 250 });
  assert.equal(config.timeoutMs, 1500);
  assert.equal(config.connectTimeoutMs, 250);
});

test('toString and inspect mask the SecretId as every language does', () => {
  for (const { secret_id: secretId, shown } of CASES.masked) {
    const client = new Client({ secretId, secretKey: 'k', endpoint: 'http://127.0.0.1:9' });
    assert.equal(String(client), `Client(endpoint=http://127.0.0.1:9/, region=-, secretId=${shown})`);
    const expected = { endpoint: 'http://127.0.0.1:9/', region: null, secretId: shown };
    assert.equal(inspect(client), `Client ${inspect(expected)}`);
    // The configuration is data, not display: it keeps the id whole.
    assert.equal(client.config.secretId, secretId);
  }
});
