'use strict';
// The emulator's data pushes (emulator.setPush) into createPushHandler on a real http.createServer on 127.0.0.1:
// every call of a campaign reaches onEvent exactly once through duplicates and reordering, with the outcome the
// pulled record gives; only with the right credentials (Basic, OAuth2 with the handler's own token endpoint); a
// slow onEvent causes no re-push; a receiver that is down gets the first push and three re-pushes.

const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { inspect } = require('node:util');
const { setTimeout: sleep } = require('node:timers/promises');
const { pkg, startEmulator } = require('./helpers');
const { Client, CallOutcome, createPushHandler } = pkg;

const SDK_APP_ID = 1400000000;
const DEFAULTS = {
  sdkAppId: SDK_APP_ID,
  llmType: 'openai',
  apiKey: 'sk-push-e2e',
  apiUrl: 'https://api.openai.com/v1/',
  systemPrompt: 'Remind the patient of the appointment.',
  model: 'gpt-4o-mini',
};
// The service's EndStatus for each call in turn, and the outcome status it decodes to.
const CODES = [
  [1, 'answered'],
  [202, 'not_answered'],
  [206, 'busy'],
  [1, 'answered'],
  [203, 'rejected'],
];
const PASSWORD = 'right-password-7f3a';
const CLIENT_SECRET = 'client-secret-91c2';

const callee = (i) => `0086133${String(i).padStart(8, '0')}`;

// createPushHandler behind http.createServer; `arrivals` has every request to the push path with the status it
// was answered, `events` what reached onEvent, in order.
async function startReceiver(t, { onEvent, ...options } = {}) {
  const events = [];
  const arrivals = [];
  const handler = createPushHandler({
    ...options,
    onEvent: async (event) => {
      events.push(event);
      await onEvent?.(event);
    },
  });
  const server = http.createServer((req, res) => {
    if (req.url.startsWith('/ccc/push')) {
      const arrival = { pushId: req.headers['x-tccc-push-uuid'], status: undefined };
      arrivals.push(arrival);
      res.on('finish', () => (arrival.status = res.statusCode));
    }
    handler(req, res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  const base = `http://127.0.0.1:${server.address().port}`;
  return { url: `${base}/ccc/push`, tokenUrl: `${base}/ccc/token`, events, arrivals };
}

async function setup(t) {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
  return { emulator, client };
}

const fast = (url, auth, more = {}) => ({ url, auth, retryDelayMs: 30, timeoutMs: 2000, ...more });

// Place `n` scripted calls as a campaign; each session id with the status its script ends in.
async function campaign(emulator, client, n) {
  for (let i = 0; i < n; i += 1) {
    const [endStatus] = CODES[i % CODES.length];
    emulator.script(callee(i), { endStatus, ringMs: 10 + ((i * 7) % 40), talkMs: 20 + ((i * 11) % 60) });
  }
  const calls = Array.from({ length: n }, (_, i) => ({ callee: callee(i) }));
  const report = await client.createAiCalls(calls, { defaults: DEFAULTS, concurrency: 8 });
  assert.equal(report.placed, n);
  return new Map(report.items.map((item) => [item.sessionId, CODES[item.index % CODES.length][1]]));
}

// Until `expected` pushes exist and each is acknowledged (its duplicate sent too, when asked) or has had
// `attempts` attempts.
async function settled(emulator, expected, { attempts = 4, duplicate = false } = {}) {
  const deadline = Date.now() + 20_000;
  const done = (p) => {
    const sent = p.attempts.filter((a) => !a.duplicate).length;
    return (p.acknowledged && (!duplicate || p.attempts.some((a) => a.duplicate))) || sent >= attempts;
  };
  for (;;) {
    const log = emulator.pushes();
    if (log.length >= expected && log.every(done)) return log;
    assert.ok(Date.now() < deadline, `pushes did not settle: ${log.length} of ${expected}: ${inspect(log)}`);
    await sleep(25);
  }
}

test('a campaign: each call once through duplicates and reordering, as the pulled record says', async (t) => {
  const { emulator, client } = await setup(t);
  const receiver = await startReceiver(t, { auth: { type: 'basic', username: 'ccc', password: PASSWORD } });
  const auth = { type: 'basic', username: 'ccc', password: PASSWORD };
  emulator.setPush(fast(receiver.url, auth, { duplicate: true, reorder: true }));
  const n = 12;
  const expected = await campaign(emulator, client, n);
  const answered = [...expected.values()].filter((s) => s === 'answered').length;
  const log = await settled(emulator, n + answered, { duplicate: true });

  assert.equal(log.filter((p) => p.action === 'cdr').length, n);
  assert.equal(log.filter((p) => p.action === 'record').length, answered);
  assert.equal(new Set(log.map((p) => p.pushId)).size, log.length, 'one id per push');
  for (const push of log) {
    assert.ok(push.acknowledged, inspect(push));
    assert.deepEqual(
      push.attempts.map((a) => [a.duplicate, a.status, a.errCode]),
      [[false, 200, 0], [true, 200, 0]],
      'acknowledged at once, then its copy acknowledged too',
    );
  }

  // Every push came twice; the copies were acknowledged and not delivered.
  assert.equal(receiver.arrivals.length, 2 * log.length);
  assert.ok(receiver.arrivals.every((a) => a.status === 200));
  const copies = log.flatMap((p) => p.attempts).filter((a) => a.duplicate && a.status === 200).length;
  assert.equal(copies, log.length);
  await sleep(50); // onEvent runs right after the last reply
  const { events } = receiver;
  assert.equal(events.length, log.length, 'each push delivered once, its copy not');
  const records = events.filter((e) => e.kind === 'cdr');
  assert.equal(records.length, n, "each call's record exactly once");
  assert.deepEqual(new Set(records.map((e) => e.sessionId)), new Set(expected.keys()));

  // Out of order: each recorded call's recording reached onEvent before its record.
  const position = (kind, session) => events.findIndex((e) => e.kind === kind && e.sessionId === session);
  const recordings = events.filter((e) => e.kind === 'recording');
  assert.equal(recordings.length, answered);
  for (const recording of recordings) {
    assert.match(recording.recordingUrl, /\.mp3$/);
    assert.ok(position('recording', recording.sessionId) < position('cdr', recording.sessionId));
  }

  // The pushed outcome is what the script says and what the pulled record and session say.
  for (const event of records) {
    const pushed = event.outcome;
    assert.ok(pushed instanceof CallOutcome);
    assert.equal(pushed.status, expected.get(event.sessionId), inspect(pushed));
    assert.equal(pushed.endStatus, null, 'the push documents only EndStatusString');
    const sent = log.find((p) => p.action === 'cdr' && p.sessionId === event.sessionId);
    assert.deepEqual(event.body, sent.body, 'the body as the emulator sent it');
    const call = { sessionId: event.sessionId, sdkAppId: SDK_APP_ID };
    const pulled = await client.waitForCall(call, { transcript: false, extraction: false, pollIntervalMs: 20 });
    assert.deepEqual(
      [pushed.status, pushed.answered, pushed.endStatusString, pushed.callee, pushed.hangupSide],
      [pulled.status, pulled.answered, pulled.endStatusString, pulled.callee, pulled.hangupSide],
    );
    assert.equal(pushed.answeredAt?.getTime(), pulled.answeredAt?.getTime());
    assert.equal(pushed.endedAt.getTime(), pulled.endedAt.getTime());
    const state = await client.getCall(call);
    assert.equal(state.status, 'finished');
    assert.equal(state.answeredAt !== null, pushed.answered, inspect(state));
  }
});

test('a wrong password is refused on the first push and all three re-pushes', async (t) => {
  const { emulator, client } = await setup(t);
  const receiver = await startReceiver(t, { auth: { type: 'basic', username: 'ccc', password: PASSWORD } });
  emulator.setPush(fast(receiver.url, { type: 'basic', username: 'ccc', password: 'wrong' }, { recording: false }));
  await campaign(emulator, client, 2);
  const log = await settled(emulator, 2);
  for (const push of log) {
    assert.equal(push.acknowledged, false);
    assert.deepEqual(push.attempts.map((a) => a.status), [401, 401, 401, 401]);
    assert.ok(push.attempts.every((a) => a.errCode !== 0 && !a.duplicate));
  }
  assert.equal(receiver.arrivals.length, 8);
  await sleep(50);
  assert.equal(receiver.events.length, 0);
});

test("OAuth2: pushes carry a token from the handler's token endpoint; a wrong secret gets none", async (t) => {
  const { emulator, client } = await setup(t);
  const receiver = await startReceiver(t, {
    auth: { type: 'oauth2', clientId: 'ccc-pusher', clientSecret: CLIENT_SECRET },
    tokenPath: '/ccc/token',
  });
  const { tokenUrl } = receiver;
  const auth = (clientSecret) => ({ type: 'oauth2', tokenUrl, clientId: 'ccc-pusher', clientSecret });
  emulator.setPush(fast(receiver.url, auth(CLIENT_SECRET), { recording: false }));
  const expected = await campaign(emulator, client, 3);
  const log = await settled(emulator, 3);
  assert.ok(log.every((p) => p.acknowledged && p.attempts.length === 1), inspect(log));
  await sleep(50);
  assert.deepEqual(new Set(receiver.events.map((e) => e.sessionId)), new Set(expected.keys()));

  emulator.reset();
  emulator.setPush(fast(receiver.url, auth('wrong'), { recording: false }));
  await campaign(emulator, client, 1);
  const [refused] = await settled(emulator, 1);
  assert.equal(refused.acknowledged, false);
  assert.equal(refused.attempts.length, 4);
  assert.ok(refused.attempts.every((a) => a.status === null && a.error.startsWith('token:')), inspect(refused));
  await sleep(50);
  assert.equal(receiver.events.length, expected.size, 'nothing more delivered');
});

test('a slow onEvent causes no re-push: the handler replies first', async (t) => {
  const { emulator, client } = await setup(t);
  let finished = 0;
  const receiver = await startReceiver(t, {
    onEvent: async () => {
      await sleep(1500);
      finished += 1;
    },
  });
  emulator.setPush(fast(receiver.url, { type: 'none' }, { timeoutMs: 500 }));
  const expected = await campaign(emulator, client, 2);
  const answered = [...expected.values()].filter((s) => s === 'answered').length;
  const log = await settled(emulator, 2 + answered);
  for (const push of log) {
    assert.ok(push.acknowledged, inspect(push));
    assert.equal(push.attempts.length, 1, inspect(push));
  }
  assert.equal(receiver.arrivals.length, log.length);
  const deadline = Date.now() + 20_000;
  while (finished < log.length && Date.now() < deadline) await sleep(50);
  assert.equal(finished, log.length);
  assert.equal(emulator.pushes().flatMap((p) => p.attempts).length, log.length, 'still one attempt each');
});

test('a receiver that is down gets four attempts, then nothing', async (t) => {
  const { emulator, client } = await setup(t);
  const closed = http.createServer();
  await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${closed.address().port}/ccc/push`;
  await new Promise((resolve) => closed.close(resolve));
  emulator.setPush(fast(url, { type: 'none' }, { recording: false }));
  await campaign(emulator, client, 1);
  const [push] = await settled(emulator, 1);
  assert.equal(push.attempts.length, 4);
  assert.ok(push.attempts.every((a) => a.status === null && a.errCode === null && typeof a.error === 'string'));
  assert.equal(push.acknowledged, false);
  await sleep(300);
  assert.equal(emulator.pushes()[0].attempts.length, 4, 'no fifth attempt');
});

test('setPush refuses a bad setting by name, keeps the settings it had, and never shows a secret', async (t) => {
  const { emulator, client } = await setup(t);
  const receiver = await startReceiver(t);
  emulator.setPush(fast(receiver.url, { type: 'none' }, { recording: false }));
  const url = 'http://127.0.0.1:9/elsewhere';
  const bad = [
    [undefined, /null to stop pushing/],
    ['http://127.0.0.1:9/', /must be an object/],
    [{ retries: 1 }, /`url` is required/],
    [{ url: 'ftp://127.0.0.1/p' }, /`url` must be an http/],
    [{ url, retrys: 2 }, /`retrys` is not a push setting \(.*retryDelayMs/],
    [{ url, retries: -1 }, /`retries` must be a whole number/],
    [{ url, timeoutMs: 1.5 }, /`timeoutMs` must be a whole number/],
    [{ url, duplicate: 'yes' }, /`duplicate` must be a boolean/],
    [{ url, auth: 'basic' }, /`auth` must be an object with a `type`/],
    [{ url, auth: { mode: 'basic', username: 'u', password: PASSWORD } }, /`auth.type` is required/],
    [{ url, auth: { type: 'digest' } }, /`auth.type` must be 'none', 'basic' or 'oauth2'/],
    [{ url, auth: { type: 'basic', username: 'u' } }, /`auth.password` is required/],
    [{ url, auth: { type: 'basic', username: 'u', password: 31415926 } }, /`auth.password` must be a string/],
    [{ url, auth: { type: 'basic', username: 'u', password: PASSWORD, realm: 'r' } }, /`auth.realm` is not a field/],
    [{ url, auth: { type: 'oauth2', tokenUrl: 'file:///t', clientId: 'c', clientSecret: CLIENT_SECRET } },
      /`auth.tokenUrl` must be an http/],
    [{ url, auth: { type: 'oauth2', tokenUrl: 'http://127.0.0.1:9/t', clientId: 'c' } }, /`auth.clientSecret` is req/],
  ];
  for (const [config, message] of bad) {
    const error = thrown(() => emulator.setPush(config));
    assert.ok(error instanceof TypeError, inspect(error));
    assert.match(error.message, message, inspect(config));
    for (const secret of [PASSWORD, CLIENT_SECRET, '31415926']) {
      assert.ok(!`${error.message}${error.stack}`.includes(secret), `${secret} in ${error.message}`);
    }
  }
  // Nothing of the refused settings took: the call is pushed to the receiver set first, once.
  await campaign(emulator, client, 1);
  const [push] = await settled(emulator, 1);
  assert.deepEqual(push.attempts.map((a) => a.status), [200]);

  emulator.setPush(fast(receiver.url, { type: 'basic', username: 'ccc', password: PASSWORD }));
  emulator.setPush({ url, auth: { type: 'oauth2', tokenUrl: url, clientId: 'c', clientSecret: CLIENT_SECRET } });
  for (const shown of [inspect(emulator, { depth: 5, showHidden: true }), JSON.stringify(emulator)]) {
    assert.ok(!shown.includes(PASSWORD) && !shown.includes(CLIENT_SECRET), shown);
  }
  assert.ok(!JSON.stringify(emulator.pushes()).includes(PASSWORD));
  emulator.setPush(null);
});

function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return assert.fail('expected a throw');
}

test('receivers in two processes share what they have seen through Redis (redisUrl)', async (t) => {
  const { RedisServer } = require('./redis_server');
  const redis = await RedisServer.start(t, { password: 'redis-pass-3c1d' });
  const { emulator, client } = await setup(t);
  const auth = { type: 'oauth2', clientId: 'ccc-pusher', clientSecret: CLIENT_SECRET };
  const a = await startReceiver(t, { auth, redisUrl: redis.url });
  const b = await startReceiver(t, { auth, redisUrl: redis.url });
  // The emulator fetches its token from B and pushes to A: A accepts a token B issued.
  const sender = { type: 'oauth2', tokenUrl: b.tokenUrl, clientId: 'ccc-pusher', clientSecret: CLIENT_SECRET };
  emulator.setPush(fast(a.url, sender, { recording: false }));
  emulator.script('*', { ringMs: 10, talkMs: 20 });
  await client.createAiCall({ ...DEFAULTS, callee: callee(1) });
  const deadline = Date.now() + 20_000;
  while (!emulator.pushes().every((p) => p.acknowledged) || emulator.pushes().length === 0) {
    assert.ok(Date.now() < deadline, 'the push was not acknowledged');
    await sleep(20);
  }
  const [push] = emulator.pushes();
  assert.equal(push.attempts.length, 1);
  assert.equal(a.events.length, 1);
  // The service re-pushes it and the load balancer sends it to B: acknowledged, not delivered again.
  const token = await (
    await fetch(b.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: 'Basic ' + Buffer.from(`ccc-pusher:${CLIENT_SECRET}`).toString('base64'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    })
  ).json();
  const again = await fetch(`${b.url}?action=cdr&version=1`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token.access_token}`, 'x-tccc-push-uuid': push.pushId },
    body: JSON.stringify(push.body),
  });
  assert.deepEqual([again.status, (await again.json()).ErrCode], [200, 0]);
  await sleep(100); // a wrongly delivered copy would have reached onEvent by now
  assert.equal(b.events.length, 0, 'delivered once, by A');
  const stored = Object.keys(await redis.dump());
  assert.ok(stored.some((k) => k.startsWith('ccc-aicall:push:')));
  assert.ok(!stored.some((k) => k.includes(push.pushId)), 'ids are stored hashed');
});

test('a Redis that hangs does not hold the event loop: other requests are answered meanwhile', async (t) => {
  const net = require('node:net');
  const held = [];
  const blackhole = net.createServer((socket) => held.push(socket)); // accepts, never answers
  await new Promise((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of held) socket.destroy();
    return new Promise((resolve) => blackhole.close(resolve));
  });
  const receiver = await startReceiver(t, { redisUrl: `redis://127.0.0.1:${blackhole.address().port}/0` });
  const finished = {};
  const push = fetch(`${receiver.url}?action=cdr&version=1`, {
    method: 'POST',
    headers: { 'x-tccc-push-uuid': 'p-1' },
    body: JSON.stringify({ SessionId: 's-1', EndStatusString: 'ok' }),
  }).then(async (answer) => {
    assert.equal((await answer.json()).ErrCode, 0);
    finished.push = performance.now();
  });
  await sleep(100); // the push is waiting on Redis now
  const other = await fetch(receiver.url); // a GET: answered 405 meanwhile
  assert.equal(other.status, 405);
  finished.other = performance.now();
  await push;
  assert.ok(finished.other < finished.push, 'the loop answered while the push waited on Redis');
  const deadline = Date.now() + 10_000;
  while (receiver.events.length === 0 && Date.now() < deadline) await sleep(20);
  assert.deepEqual(receiver.events.map((e) => e.pushId), ['p-1'], "delivered from the process's own memory");
});
