'use strict';
// Each error family maps to its class; fault modes give OutcomeUnknownError after exactly one server hit;
// stacks point at the caller's line.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { spawn } = require('node:child_process');
const { pkg, validParams, startEmulator } = require('./helpers');
const {
  Client, CccError, ApiError, AuthenticationError, RateLimitError, InvalidRequestError, CallRejectedError,
  InternalServerError, ApiConnectionError, ApiTimeoutError, OutcomeUnknownError, ConfigurationError, ValidationError,
} = pkg;

let emulator;
let client;
test.before(async () => {
  emulator = await startEmulator({ rateLimit: 0 });
  client = new Client({ ...emulator.clientOptions(), rateLimit: 0, maxRetries: 0, timeoutMs: 1000 });
});
test.after(() => emulator.stop());
test.beforeEach(() => emulator.reset());

const reject = (promise) => promise.then(() => assert.fail('expected a rejection'), (e) => e);

test('service error codes map to their classes, with code, requestId and outcomeUnknown', async () => {
  for (const [code, cls, outcomeUnknown] of [
    ['AuthFailure.SignatureFailure', AuthenticationError, false],
    ['UnauthorizedOperation', AuthenticationError, false],
    ['RequestLimitExceeded', RateLimitError, false],
    ['InvalidParameterValue.PhoneNumInvalid', InvalidRequestError, false],
    ['FailedOperation.CalleeIsBlackUser', CallRejectedError, false],
    ['LimitExceeded.BasePackageExpired', CallRejectedError, false],
    ['InternalError', InternalServerError, true],
  ]) {
    emulator.reset();
    emulator.inject({ kind: 'error', code });
    const e = await reject(client.createAiCall(validParams()));
    assert.ok(e instanceof cls, `${code}: ${e}`);
    assert.ok(e instanceof ApiError && e instanceof CccError && e instanceof Error, code);
    assert.equal(e.name, cls.name);
    assert.equal(e.code, code);
    assert.match(e.requestId, /\S/);
    assert.equal(e.outcomeUnknown, outcomeUnknown, code);
    assert.equal(e.httpStatus, 200);
    assert.equal(emulator.hits('CreateAICall'), 1, code);
    assert.equal(emulator.calls().length, outcomeUnknown ? 1 : 0, `${code}: placed`);
  }
});

test('a rate-limit refusal is retried by the core and then succeeds', async () => {
  const retrying = new Client({ ...emulator.clientOptions(), rateLimit: 0, maxRetries: 2 });
  emulator.inject({ kind: 'error', code: 'RequestLimitExceeded', times: 2 });
  const { sessionId } = await retrying.createAiCall(validParams());
  assert.ok(sessionId);
  assert.equal(emulator.hits('CreateAICall'), 3);
  assert.equal(emulator.calls().length, 1);
});

test('fault modes give OutcomeUnknownError after exactly one server hit', async () => {
  for (const [fault, timedOut] of [
    [{ kind: 'http_status', status: 502 }, false],
    [{ kind: 'http_status', status: 504 }, false],
    [{ kind: 'close_after_read' }, false],
    [{ kind: 'malformed_body' }, false],
    [{ kind: 'truncated_body' }, false],
    [{ kind: 'delay', phase: 'after_read', ms: 2000 }, true],
  ]) {
    emulator.reset();
    emulator.inject(fault);
    const e = await reject(client.createAiCall(validParams()));
    const what = JSON.stringify(fault);
    assert.ok(e instanceof OutcomeUnknownError && e instanceof CccError, `${what}: ${e}`);
    assert.equal(e.name, 'OutcomeUnknownError');
    assert.equal(e.kind, 'outcome_unknown');
    assert.equal(e.outcomeUnknown, true, what);
    assert.equal(e.timedOut, timedOut, what);
    assert.equal(emulator.hits('CreateAICall'), 1, `${what}: hits`);
    assert.equal(emulator.calls().length, 1, `${what}: the call was placed`);
  }
});

test('a refused connection is an ApiConnectionError, retried and never outcome-unknown', async () => {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  const endpoint = `http://127.0.0.1:${port}`;
  const refused = new Client({ endpoint, secretId: 'AKIDx', secretKey: 'k', maxRetries: 1 });
  const e = await reject(refused.createAiCall(validParams()));
  assert.ok(e instanceof ApiConnectionError && !(e instanceof ApiTimeoutError), String(e));
  assert.equal(e.kind, 'connection');
  assert.equal(e.outcomeUnknown, false);
});

// A listener that never accepts, with a backlog of 0: once one connection waits in the queue, the kernel drops
// further SYNs, so connecting times out. Python holds the socket so that nothing accepts it.
test('a connect timeout is an ApiTimeoutError (an ApiConnectionError)', async (t) => {
  const holder = spawn('python3', ['-c', [
    'import socket, sys',
    's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)',
    'print(s.getsockname()[1], flush=True); sys.stdin.read()',
  ].join('\n')], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.after(() => holder.kill());
  const port = Number(await new Promise((r) => holder.stdout.once('data', (d) => r(String(d).trim()))));
  const filler = net.connect(port, '127.0.0.1');
  t.after(() => filler.destroy());
  await new Promise((r) => filler.once('connect', r));
  const endpoint = `http://127.0.0.1:${port}`;
  const slow = new Client({ endpoint, secretId: 'AKIDx', secretKey: 'k', connectTimeoutMs: 200, maxRetries: 0 });
  const e = await reject(slow.createAiCall(validParams()));
  assert.ok(e instanceof ApiTimeoutError && e instanceof ApiConnectionError, String(e));
  assert.equal(e.kind, 'timeout');
  assert.equal(e.outcomeUnknown, false);
});

test('a skewed server clock is corrected once and the call goes through', async () => {
  emulator.setClockOffset(900);
  try {
    const skewed = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
    const { sessionId } = await skewed.createAiCall(validParams());
    assert.ok(sessionId);
    assert.equal(emulator.hits('CreateAICall'), 2);
    assert.equal(emulator.calls().length, 1);
  } finally {
    emulator.setClockOffset(0);
  }
});

test('wrong credentials are an AuthenticationError from the service', async () => {
  const wrong = new Client({ ...emulator.clientOptions(), secretKey: 'not-the-key', rateLimit: 0 });
  const e = await reject(wrong.createAiCall(validParams()));
  assert.ok(e instanceof AuthenticationError);
  assert.match(e.code, /^AuthFailure/);
});

test('bad options are a ConfigurationError that names them', () => {
  for (const [options, pattern] of [
    [{ secretId: 'a', secretKey: 'b', timeout: 5 }, /unknown Client option `timeout`; did you mean `timeoutMs`/],
    [{ secretId: 'a', secretKey: 'b', maxRetries: 1.5 }, /maxRetries/],
    [{ secretId: 'a', secretKey: 'b', timeoutMs: '30' }, /timeoutMs/],
    [{ secretId: 'a', secretKey: 'b', language: 'fr-FR' }, /language/],
    [{ secretId: 'a', secretKey: 'b', endpoint: 'ftp://x' }, /endpoint/],
    [{ secretId: 'a', secretKey: 'b', caFile: '/nonexistent/ca.pem' }, /`caFile`/],
  ]) {
    assert.throws(
      () => new Client(options),
      (e) => e instanceof ConfigurationError && e instanceof CccError &&
        pattern.test(e.message) && e.outcomeUnknown === false,
      JSON.stringify(options),
    );
  }
});

test('a credential given but blank is a ConfigurationError, not a fallback to the environment', () => {
  const saved = ['TENCENTCLOUD_SECRET_ID', 'TENCENTCLOUD_SECRET_KEY'].map((k) => [k, process.env[k]]);
  process.env.TENCENTCLOUD_SECRET_ID = 'AKIDfromtheenvironment';
  process.env.TENCENTCLOUD_SECRET_KEY = 'key-from-the-environment';
  try {
    for (const [options, blank] of [
      [{ secretId: '', secretKey: '' }, 'secretId'],
      [{ secretId: 'AKIDx', secretKey: " '' " }, 'secretKey'],
      [{ secretId: 'AKIDx', secretKey: 'k', token: ' ' }, 'token'],
    ]) {
      assert.throws(
        () => new Client(options),
        (e) => e instanceof ConfigurationError && e.message.includes(`\`${blank}\` was given but is blank`),
        JSON.stringify(options),
      );
    }
    // undefined still means "not given".
    assert.equal(new Client({ secretId: undefined, secretKey: undefined }).config.secretId, 'AKIDfromtheenvironment');
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test('missing credentials fail when the client is built, naming the environment variables', () => {
  const env = { ...process.env };
  for (const k of ['TENCENTCLOUD_SECRET_ID', 'TENCENTCLOUD_SECRET_KEY', 'TENCENTCLOUD_SESSION_TOKEN']) {
    delete process.env[k];
  }
  const home = process.env.HOME;
  process.env.HOME = '/nonexistent';
  try {
    assert.throws(
      () => new Client(),
      (e) => e instanceof ConfigurationError && /TENCENTCLOUD_SECRET_ID/.test(e.message),
    );
  } finally {
    process.env.HOME = home;
    Object.assign(process.env, env);
  }
});

test('the resolved configuration matches the documented defaults', () => {
  const { config } = new Client({ secretId: 'AKIDx', secretKey: 'k', endpoint: 'ccc.tencentcloudapi.com' });
  assert.deepEqual(
    {
      timeoutMs: config.timeoutMs,
      connectTimeoutMs: config.connectTimeoutMs,
      maxRetries: config.maxRetries,
      rateLimit: config.rateLimit,
      language: config.language,
    },
    { timeoutMs: 30000, connectTimeoutMs: 5000, maxRetries: 2, rateLimit: 20, language: 'en-US' },
  );
  assert.equal(config.endpoint, 'https://ccc.tencentcloudapi.com/');
});

function lineOf(stack) {
  return stack.split('\n')[1];
}

// The line number of the line that calls this function.
function lineHere() {
  return new Error().stack.split('\n')[2].match(/:(\d+):\d+\)?$/)[1];
}

test('stack traces point at the caller\'s line', async () => {
  const here = lineHere(); const e1 = await reject(client.createAiCall({}));
  assert.ok(e1 instanceof ValidationError);
  assert.match(lineOf(e1.stack), new RegExp(`errors\\.test\\.js:${here}:`), e1.stack);
  assert.match(e1.stack, /^ValidationError: invalid request/);

  emulator.inject({ kind: 'malformed_body' });
  const line2 = lineHere(); const e2 = await reject(client.createAiCall(validParams()));
  assert.match(lineOf(e2.stack), new RegExp(`errors\\.test\\.js:${line2}:`), e2.stack);

  const line3 = lineHere(); const e3 = (() => { try { new Client({ bogus: 1 }); } catch (e) { return e; } })();
  assert.match(lineOf(e3.stack), new RegExp(`errors\\.test\\.js:${line3}:`), e3.stack);

  const line4 = lineHere(); const e4 = await reject(client.request('Not An Action'));
  assert.ok(e4 instanceof ValidationError);
  assert.match(lineOf(e4.stack), new RegExp(`errors\\.test\\.js:${line4}:`), e4.stack);
});

test('error classes can be constructed and caught by their bases', () => {
  const e = new InternalServerError('boom', { code: 'InternalError', requestId: 'r-1' });
  assert.ok(e instanceof ApiError && e instanceof CccError && e instanceof Error);
  assert.equal(e.name, 'InternalServerError');
  assert.equal(e.kind, 'internal_server');
  assert.equal(e.outcomeUnknown, true);
  assert.equal(e.requestId, 'r-1');
  assert.equal(String(e), 'InternalServerError: boom');
  const v = new ValidationError('bad', { errors: [{ field: 'callee', message: 'required' }] });
  assert.equal(v.errors[0].field, 'callee');
  assert.equal(new ApiTimeoutError('t').outcomeUnknown, false);
});
