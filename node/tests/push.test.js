'use strict';
// createPushHandler on a real http.createServer: authentication, de-duplication, bad bodies, and the reply sent
// before the user's handler runs.

const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { createPushHandler, CallOutcome, ValidationError } = require('..');

const CDR = JSON.stringify({
  SdkAppId: 1400000000, SessionId: 's1', Callee: '008613012345678', EndStatusString: 'notAnswer',
  RingTimestamp: 1608130639, AcceptTimestamp: 0, EndedTimestamp: 1608130651, Duration: 0, HungUpSide: 'user',
});

async function serve(t, options) {
  const events = [];
  const handler = createPushHandler({ onEvent: (e) => events.push(e), ...options });
  const server = http.createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, events };
}

// The handler delivers on the next turn of the event loop after replying.
const settle = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

function push(base, { id, headers = {}, body = CDR, action = 'cdr' } = {}) {
  const h = { 'Content-Type': 'application/json', ...headers };
  if (id) h['X-TCCC-PUSH-UUID'] = id;
  return fetch(`${base}/ccc/push?action=${action}&version=1`, { method: 'POST', headers: h, body });
}

test('no auth: a call record arrives as the CallOutcome waitForCall gives', async (t) => {
  const { base, events } = await serve(t);
  const res = await push(base, { id: 'p-1' });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { ErrCode: 0, ErrMsg: '' });
  await settle();
  assert.equal(events.length, 1);
  const [e] = events;
  assert.equal(e.kind, 'cdr');
  assert.equal(e.pushId, 'p-1');
  assert.equal(e.sessionId, 's1');
  assert.ok(e.outcome instanceof CallOutcome);
  assert.equal(e.outcome.status, 'not_answered');
  assert.equal(e.outcome.answered, false);
  assert.ok(e.outcome.endedAt instanceof Date);
  assert.equal(e.outcome.endedAt.getTime(), 1608130651000);
  assert.equal(e.body.SessionId, 's1');
});

test('a recording push carries its URL and no outcome', async (t) => {
  const { base, events } = await serve(t);
  const body = JSON.stringify({ SdkAppId: 1, SessionId: 's2', RecordURL: 'http://r/x.mp3' });
  assert.equal((await push(base, { action: 'record', body })).status, 200);
  await settle();
  assert.equal(events[0].kind, 'recording');
  assert.equal(events[0].recordingUrl, 'http://r/x.mp3');
  assert.equal(events[0].outcome, null);
});

test('Basic: missing and wrong credentials are refused with 401, right ones accepted', async (t) => {
  const { base, events } = await serve(t, { auth: { type: 'basic', username: 'ccc', password: 'pw' } });
  const basic = (u, p) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
  for (const headers of [{}, basic('ccc', 'nope'), basic('other', 'pw')]) {
    const res = await push(base, { headers });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate'), /^Basic /);
  }
  await settle();
  assert.equal(events.length, 0);
  assert.equal((await push(base, { headers: basic('ccc', 'pw') })).status, 200);
  await settle();
  assert.equal(events.length, 1);
});

test('OAuth2: a token from the token endpoint opens pushes; a forged one does not', async (t) => {
  const auth = { type: 'oauth2', clientId: 'cid', clientSecret: 'csecret', tokenTtlMs: 60_000 };
  const { base, events } = await serve(t, { auth });
  const form = (secret) =>
    new URLSearchParams({ grant_type: 'client_credentials', client_id: 'cid', client_secret: secret });
  const refused = await fetch(`${base}/ccc/token`, { method: 'POST', body: form('wrong') });
  assert.equal(refused.status, 401);
  const res = await fetch(`${base}/ccc/token`, { method: 'POST', body: form('csecret') });
  assert.equal(res.status, 200);
  const { access_token: token, token_type: type, expires_in: expiresIn } = await res.json();
  assert.equal(type, 'Bearer');
  assert.equal(expiresIn, 60);
  const forged = await push(base, { headers: { Authorization: `Bearer ${'0'.repeat(64)}` } });
  assert.equal(forged.status, 401);
  assert.match(forged.headers.get('www-authenticate'), /^Bearer /);
  assert.equal((await push(base)).status, 401);
  await settle();
  assert.equal(events.length, 0);
  assert.equal((await push(base, { headers: { Authorization: `Bearer ${token}` } })).status, 200);
  await settle();
  assert.equal(events.length, 1);
});

test('a re-push with the same id is acknowledged and delivered once', async (t) => {
  const { base, events } = await serve(t);
  for (let i = 0; i < 3; i += 1) {
    const res = await push(base, { id: 'same' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ErrCode: 0, ErrMsg: '' });
  }
  await settle();
  assert.equal(events.length, 1);
});

test('malformed and oversized bodies are refused and the server keeps serving', async (t) => {
  const { base, events } = await serve(t, { maxBodyBytes: 1024 });
  assert.equal((await push(base, { body: '{not json' })).status, 400);
  assert.equal((await push(base, { body: '[1]' })).status, 400);
  const big = JSON.stringify({ SessionId: 's', Pad: 'x'.repeat(4096) });
  const res = await push(base, { body: big });
  assert.equal(res.status, 413);
  await res.arrayBuffer();
  await settle();
  assert.equal(events.length, 0);
  assert.equal((await push(base)).status, 200);
  await settle();
  assert.equal(events.length, 1);
});

test('the reply does not wait for a slow onEvent', async (t) => {
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  const seen = [];
  const { base } = await serve(t, {
    onEvent: async (e) => {
      seen.push(e.sessionId);
      await gate;
      seen.push('done');
    },
  });
  const res = await push(base);
  assert.equal(res.status, 200);
  await settle();
  assert.deepEqual(seen, ['s1'], 'the reply came while onEvent was still waiting');
  release();
  await settle();
  assert.deepEqual(seen, ['s1', 'done']);
});

test('an onEvent that throws goes to onError and leaves the reply alone', async (t) => {
  const errors = [];
  const { base } = await serve(t, {
    onEvent: async () => {
      throw new Error('boom');
    },
    onError: (error, event) => errors.push([error.message, event.sessionId]),
  });
  assert.equal((await push(base)).status, 200);
  await settle();
  assert.deepEqual(errors, [['boom', 's1']]);
});

test('bad options are refused naming the field', () => {
  assert.throws(() => createPushHandler({}), (e) => e instanceof ValidationError && /onEvent/.test(e.message));
  const onEvent = () => {};
  assert.throws(
    () => createPushHandler({ onEvent, auth: { type: 'basic', username: 'u' } }),
    (e) => e instanceof ValidationError && /auth\.password/.test(e.message),
  );
  assert.throws(
    () => createPushHandler({ onEvent, auth: { type: 'bearer' } }),
    (e) => e instanceof ValidationError && /auth\.type/.test(e.message),
  );
});

test('a body a framework already read (req.body as a Buffer, a string or parsed JSON) is used', async (t) => {
  const events = [];
  const handler = createPushHandler({ onEvent: (e) => events.push(e) });
  // What express.raw() / express.text() leave: the stream consumed, the bytes on req.body.
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const as = req.headers['x-as'];
      req.body = as === 'string' ? raw.toString('utf8') : as === 'object' ? JSON.parse(raw.toString('utf8')) : raw;
      handler(req, res);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const base = `http://127.0.0.1:${server.address().port}`;
  assert.equal((await push(base, { id: 'b-1' })).status, 200);
  assert.equal((await push(base, { id: 'b-2', headers: { 'X-As': 'string' } })).status, 200);
  // express.json() mounted first: the body is an object and the stream is spent (before, the handler waited forever).
  assert.equal((await push(base, { id: 'b-3', headers: { 'X-As': 'object' } })).status, 200);
  await settle();
  const got = events.map((e) => [e.pushId, e.outcome.sessionId]);
  assert.deepEqual(got, [['b-1', 's1'], ['b-2', 's1'], ['b-3', 's1']]);
});

test('tokenPath picks the token endpoint; without OAuth2 a /token path is an ordinary push', async (t) => {
  const auth = { type: 'oauth2', clientId: 'cid', clientSecret: 'cs' };
  const { base } = await serve(t, { auth, tokenPath: '/auth/issue' });
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'cid', client_secret: 'cs' });
  const issued = await fetch(`${base}/auth/issue`, { method: 'POST', body: form });
  assert.equal(issued.status, 200);
  assert.equal(issued.headers.get('cache-control'), 'no-store');
  assert.equal((await fetch(`${base}/ccc/token`, { method: 'POST', body: form })).status, 401, 'not the endpoint');
  const open = await serve(t);
  const res = await fetch(`${open.base}/ccc/token?action=cdr`, { method: 'POST', body: CDR });
  assert.equal(res.status, 200);
  await settle();
  assert.equal(open.events[0].kind, 'cdr');
});
