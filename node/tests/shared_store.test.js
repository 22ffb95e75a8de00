'use strict';
// The shared store (redisUrl) through the Node binding, against a real redis-server and the emulator, both on
// 127.0.0.1: one rate-limit budget across OS processes, idempotency keys across processes, Redis stopping and
// coming back, and no secret anywhere (inspect, JSON, errors, Redis itself). Child processes are plain `node`
// processes building their own `Client`. The invariant throughout: the emulator never records a call the clients
// were not entitled to send.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { inspect } = require('node:util');
const { setTimeout: sleep } = require('node:timers/promises');
const { pkg, validParams, startEmulator } = require('./helpers');
const { RedisServer } = require('./redis_server');
const { child, go } = require('./child');
const {
  Client, CccError, ConfigurationError, IdempotencyKeyPendingError, OutcomeUnknownError, StoreUnavailableError,
  ValidationError,
} = pkg;

const PACKAGE = path.resolve(__dirname, '..');
const reject = (promise) => promise.then(() => assert.fail('expected a rejection'), (e) => e);
const callee = (i) => `0086131${String(i).padStart(8, '0')}`;

// 50 calls at once through one client; prints how many were placed, throttled or failed otherwise.
const PLACE_MANY = `
  const { Client } = require(${JSON.stringify(PACKAGE)});
  const [options, params, callees] = JSON.parse(process.argv[1]);
  const client = new Client(options);
  Promise.allSettled(callees.map((callee) => client.createAiCall({ ...params, callee }))).then((results) => {
    const errors = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    console.log(JSON.stringify({
      redisUrl: client.config.redisUrl,
      placed: results.length - errors.length,
      limited: errors.filter((e) => e.kind === 'rate_limited').length,
      other: errors.filter((e) => e.kind !== 'rate_limited').map((e) => e.name + ': ' + e.message),
    }));
  });`;

test('4 processes x 50 calls share one 20/s budget: the emulator throttles none, 200 placed', async (t) => {
  const redis = await RedisServer.start(t);
  const emulator = await startEmulator(); // the service's 20 requests per second per action
  t.after(() => emulator.stop());
  // No retries: a throttle shows up as an error instead of being hidden by a retry. Two children are given the
  // store as an option, two through CCC_AICALL_REDIS_URL.
  const options = { ...emulator.clientOptions(), maxRetries: 0 };
  const started = Date.now();
  const results = await Promise.all(
    [0, 1, 2, 3].map((i) => {
      const callees = Array.from({ length: 50 }, (_, n) => callee(i * 50 + n));
      const viaEnv = i % 2 === 1;
      const given = viaEnv ? options : { ...options, redisUrl: redis.url };
      return child(PLACE_MANY, [given, validParams(), callees], { CCC_AICALL_REDIS_URL: viaEnv ? redis.url : '' })
        .result;
    }),
  );
  const elapsed = Date.now() - started;
  for (const r of results) assert.equal(r.redisUrl, redis.url, 'the option and the variable reach the core');
  const sum = (key) => results.reduce((n, r) => n + r[key], 0);
  assert.deepEqual(results.flatMap((r) => r.other), []);
  assert.equal(sum('limited'), 0, 'no request was throttled');
  assert.equal(sum('placed'), 200);
  assert.equal(emulator.hits('CreateAICall'), 200, 'exactly 200 requests: none refused and sent again');
  assert.equal(emulator.calls().length, 200);
  // 200 calls at 20/s take about ten seconds however many processes send them (generous: a shared machine).
  assert.ok(elapsed >= 9000, `200 calls at 20/s took only ${elapsed} ms`);
  t.diagnostic(`200 calls from 4 processes in ${elapsed} ms`);
});

// One keyed call, started when the parent writes a line on stdin; prints what it resolved or rejected with.
const RACE = `
  const { Client, IdempotencyKeyPendingError, OutcomeUnknownError } = require(${JSON.stringify(PACKAGE)});
  const [options, params, key] = JSON.parse(process.argv[1]);
  const client = new Client(options);
  console.log('ready');
  process.stdin.once('data', async () => {
    try {
      const placed = await client.createAiCall(params, { idempotencyKey: key });
      const { sessionId, requestId, replayed } = placed;
      console.log(JSON.stringify({ sessionId, requestId, replayed }));
    } catch (e) {
      console.log(JSON.stringify({
        error: e.name, message: e.message, kind: e.kind, outcomeUnknown: e.outcomeUnknown,
        idempotencyKey: e.idempotencyKey, inFlight: e.inFlight, callee: e.callee,
        classes: e instanceof IdempotencyKeyPendingError && e instanceof OutcomeUnknownError,
      }));
    }
    process.stdin.destroy();
  });`;

test('8 processes racing on one idempotency key: one request reaches the emulator', async (t) => {
  const redis = await RedisServer.start(t);
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  // The first request is placed at once but answered late: the others arrive while it is in flight.
  emulator.inject({ kind: 'delay', phase: 'after_read', ms: 1500 });
  const options = { ...emulator.clientOptions(), redisUrl: redis.url, rateLimit: 0 };
  const params = validParams({ callee: callee(7) });
  // Eight processes, each with its own client, started together once all are ready.
  const results = await go(Array.from({ length: 8 }, () => child(RACE, [options, params, 'appt-123'])));
  assert.equal(emulator.hits('CreateAICall'), 1, `one request reached the emulator: ${JSON.stringify(results)}`);
  const first = results.filter((r) => r.sessionId && !r.replayed);
  assert.equal(first.length, 1, JSON.stringify(results));
  for (const r of results) {
    if (r.sessionId) {
      assert.equal(r.sessionId, first[0].sessionId);
      continue;
    }
    assert.equal(r.error, 'IdempotencyKeyPendingError', JSON.stringify(r));
    assert.ok(r.classes, 'an IdempotencyKeyPendingError is an OutcomeUnknownError');
    assert.equal(r.kind, 'outcome_unknown');
    assert.equal(r.outcomeUnknown, true);
    assert.equal(r.idempotencyKey, 'appt-123');
    assert.match(r.message, /"appt-123"/);
    assert.equal(r.inFlight, true);
    assert.equal(r.callee, '008613100000007', 'the call it may have placed, for reconcile');
  }
  const [pending, replayed] = [results.filter((r) => r.error).length, results.filter((r) => r.replayed).length];
  t.diagnostic(`${pending} pending, ${replayed} replayed`);

  // Later, from yet another process's client: the stored result, nothing sent.
  const replay = await new Client(options).createAiCall(params, { idempotencyKey: 'appt-123' });
  assert.equal(replay.replayed, true);
  assert.deepEqual([replay.sessionId, replay.requestId], [first[0].sessionId, first[0].requestId]);
  assert.ok(replay.placedAt instanceof Date);
  assert.equal(emulator.hits('CreateAICall'), 1);
  // The same key for a different call is a mistake, refused without sending.
  const other = validParams({ callee: callee(8) });
  const e = await reject(new Client(options).createAiCall(other, { idempotencyKey: 'appt-123' }));
  assert.ok(e instanceof ValidationError, String(e));
  assert.equal(e.errors[0].field, 'idempotencyKey');
  assert.equal(emulator.hits('CreateAICall'), 1);
});

test('with Redis stopped nothing is sent without a claim; storeFallbackLocal lets unkeyed calls through', async (t) => {
  const redis = await RedisServer.start(t);
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const options = { ...emulator.clientOptions(), redisUrl: redis.url };
  const closed = new Client(options);
  const fallback = new Client({ ...options, storeFallbackLocal: true });
  assert.equal(closed.config.storeFallbackLocal, false);
  assert.equal(fallback.config.storeFallbackLocal, true);
  await closed.createAiCall(validParams({ callee: callee(1) }), { idempotencyKey: 'k-1' });
  await fallback.createAiCall(validParams({ callee: callee(2) }));
  assert.equal(emulator.hits('CreateAICall'), 2);

  await redis.stop();
  for (const [who, client] of [['fail closed', closed], ['fallback', fallback]]) {
    const e = await reject(client.createAiCall(validParams({ callee: callee(3) }), { idempotencyKey: 'k-3' }));
    assert.ok(e instanceof StoreUnavailableError && e instanceof CccError, `${who}: ${e}`);
    assert.equal(e.name, 'StoreUnavailableError');
    assert.equal(e.kind, 'store_unavailable');
    assert.equal(e.outcomeUnknown, false, 'nothing was sent');
  }
  const e = await reject(closed.createAiCall(validParams({ callee: callee(4) })));
  assert.ok(e instanceof StoreUnavailableError, `no shared turn, no call: ${e}`);
  assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${redis.port}`), 'the message names the store');
  assert.match(e.stack, /shared_store\.test\.js/, 'the stack points at the caller');
  assert.equal(emulator.hits('CreateAICall'), 2, 'nothing was sent while Redis was down');
  await fallback.createAiCall(validParams({ callee: callee(5) }));
  assert.equal(emulator.hits('CreateAICall'), 3, 'the local limiter stands in when the user chose it');

  await redis.restart();
  const keyed = await closed.createAiCall(validParams({ callee: callee(3) }), { idempotencyKey: 'k-3' });
  assert.equal(keyed.replayed, false, 'a fresh connection to the new server, and the key claimed afresh');
  await closed.createAiCall(validParams({ callee: callee(4) }));
  const replay = await closed.createAiCall(validParams({ callee: callee(3) }), { idempotencyKey: 'k-3' });
  assert.deepEqual([replay.replayed, replay.sessionId], [true, keyed.sessionId]);
  assert.equal(emulator.hits('CreateAICall'), 5);
});

test('idempotencyTtlMs is how long Redis remembers a key', async (t) => {
  const redis = await RedisServer.start(t);
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client({ ...emulator.clientOptions(), redisUrl: redis.url, idempotencyTtlMs: 1000 });
  assert.equal(client.config.idempotencyTtlMs, 1000);
  const params = validParams({ callee: callee(9) });
  const first = await client.createAiCall(params, { idempotencyKey: 'short-lived' });
  const keys = await redis.command('KEYS', 'ccc-aicall:idem:*');
  assert.equal(keys.length, 1);
  const ttl = await redis.command('PTTL', keys[0]);
  assert.ok(ttl > 0 && ttl <= 1000, `the key expires within the TTL: ${ttl} ms`);
  assert.equal((await client.createAiCall(params, { idempotencyKey: 'short-lived' })).replayed, true);
  await sleep(1200);
  const again = await client.createAiCall(params, { idempotencyKey: 'short-lived' });
  assert.equal(again.replayed, false, 'forgotten after the TTL, so sent again');
  assert.notEqual(again.sessionId, first.sessionId);
  assert.equal(emulator.hits('CreateAICall'), 2);
  assert.throws(() => new Client({ ...emulator.clientOptions(), idempotencyTtlMs: 500 }), (e) => {
    assert.ok(e instanceof ConfigurationError, String(e));
    assert.match(e.message, /idempotencyTtlMs/);
    return true;
  });
});

test('call options are checked: a misspelt idempotencyKey is refused, never ignored', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client(emulator.clientOptions()); // no Redis: keys are held in this process
  const unknown = /unknown call option `idempotency_key`; did you mean `idempotencyKey`/;
  for (const [options, cls, message] of [
    [{ idempotency_key: 'a' }, ConfigurationError, unknown],
    [{ idempotencyKey: 42 }, ValidationError, /idempotencyKey: must be a string/],
    [{ idempotencyKey: '' }, ValidationError, /idempotencyKey: must not be empty/],
    [{ idempotencyKey: 'x'.repeat(256) }, ValidationError, /idempotencyKey: must be at most 255 bytes/],
    ['appt-1', ConfigurationError, /options must be an object/],
  ]) {
    const e = await reject(client.createAiCall(validParams(), options));
    assert.ok(e instanceof cls, `${JSON.stringify(options)}: ${e}`);
    assert.match(e.message, message);
  }
  assert.equal(emulator.hits(), 0, 'nothing was sent');
  const first = await client.createAiCall(validParams(), { idempotencyKey: 'mem-1', signal: undefined });
  const replay = await client.createAiCall(validParams(), { idempotencyKey: 'mem-1' });
  assert.deepEqual([first.replayed, replay.replayed, replay.sessionId], [false, true, first.sessionId]);
  assert.equal(emulator.hits('CreateAICall'), 1);
});

test('no secret in inspect, JSON, errors or Redis: the store password, the SecretKey, the LLM apiKey', async (t) => {
  const PASSWORD = 'REDIS-zq9-UNIQUE-PASSWORD';
  const WRONG = 'WRONG-zq9-UNIQUE-PASSWORD';
  const API_KEY = 'sk-zq9-UNIQUE-LLM-KEY';
  const redis = await RedisServer.start(t, { password: PASSWORD });
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const secrets = [PASSWORD, WRONG, API_KEY, emulator.secretKey];
  const shown = (value) => [
    String(value),
    inspect(value),
    inspect(value, { depth: Infinity, showHidden: true, getters: true }),
    JSON.stringify(value) ?? '',
    value?.stack ?? '',
  ];
  const assertClean = (what, value) => {
    for (const text of shown(value)) {
      for (const secret of secrets) assert.ok(!text.includes(secret), `${what} shows ${secret}: ${text}`);
    }
  };
  const client = new Client({ ...emulator.clientOptions(), redisUrl: redis.url });
  assertClean('client', client);
  assertClean('client.config', client.config);
  assert.equal(client.config.redisUrl, `redis://***@127.0.0.1:${redis.port}/0`);
  const params = validParams({ apiKey: API_KEY });
  await client.createAiCall(params, { idempotencyKey: 'appt-secret-check' });
  await client.createAiCall(validParams({ apiKey: API_KEY, callee: callee(1) }));

  const stored = await redis.dump();
  assert.ok(Object.keys(stored).length >= 2, 'the limiter and the key are in Redis');
  const text = JSON.stringify(stored);
  for (const secret of [...secrets, emulator.secretId, 'appt-secret-check']) {
    assert.ok(!text.includes(secret), `Redis holds ${secret}: ${text}`);
  }

  const errors = [];
  const wrong = new Client({ ...emulator.clientOptions(), redisUrl: `redis://:${WRONG}@127.0.0.1:${redis.port}/0` });
  errors.push(await reject(wrong.createAiCall(params, { idempotencyKey: 'appt-wrong-password' })));
  for (const url of [`rediss://:${PASSWORD}@127.0.0.1:${redis.port}`, `http://:${PASSWORD}@127.0.0.1:1`]) {
    errors.push((() => {
      try {
        return new Client({ ...emulator.clientOptions(), redisUrl: url });
      } catch (e) {
        return e;
      }
    })());
  }
  await redis.stop();
  errors.push(await reject(client.createAiCall(params, { idempotencyKey: 'appt-redis-down' })));
  errors.push(await reject(client.createAiCall(params)));
  assert.deepEqual(errors.map((e) => e.name), [
    'StoreUnavailableError', 'ConfigurationError', 'ConfigurationError',
    'StoreUnavailableError', 'StoreUnavailableError',
  ]);
  for (const e of errors) assertClean(e.name, e);
  assert.match(errors[0].message, /\*\*\*@127\.0\.0\.1/);
  assert.equal(emulator.hits('CreateAICall'), 2);
});

test('an IdempotencyKeyPendingError carries its call: reconcile looks for it', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client({ ...emulator.clientOptions(), timeoutMs: 500, maxRetries: 0 });
  emulator.inject({ kind: 'delay', phase: 'after_read', ms: 1500 }); // placed, answered too late
  const params = validParams({ callee: callee(11) });
  emulator.script(params.callee, { ringMs: 0, endStatus: 202 }); // over at once: its record is there to find
  const lost = await reject(client.createAiCall(params, { idempotencyKey: 'appt-lost' }));
  assert.ok(lost instanceof OutcomeUnknownError && !(lost instanceof IdempotencyKeyPendingError), String(lost));
  const pending = await reject(client.createAiCall(params, { idempotencyKey: 'appt-lost' }));
  assert.ok(pending instanceof IdempotencyKeyPendingError, String(pending));
  assert.equal(pending.inFlight, false, 'the first attempt ended with its outcome unknown');
  assert.match(pending.message, /"appt-lost".*outcome unknown/);
  assert.deepEqual([pending.sdkAppId, pending.callee], [1400000000, '008613100000011']);
  assert.ok(pending.sentAt instanceof Date);
  assert.equal(emulator.hits('CreateAICall'), 1, 'the repeat sent nothing');
  const reconciled = await client.reconcile(pending, { maxRingMs: 0, recordDelayMs: 0, clockSkewMs: 1000 });
  assert.equal(reconciled.verdict, 'placed');
  assert.equal(reconciled.calls[0].sessionId, emulator.calls()[0].sessionId);
});
