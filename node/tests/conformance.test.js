'use strict';
// Conformance: a call from this package is accepted by a server that checks the TC3 signature with the official
// Node SDK's own signing code (tencentcloud-sdk-nodejs, `Sign.sign3`).
//
// That code signs the host without its port, so the client is pointed at the real host name over plain HTTP
// through an HTTP proxy, which is this loopback server itself: the signed and the received Host are then the
// same bare name, and nothing leaves the machine.

const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const Sign = require('tencentcloud-sdk-nodejs/tencentcloud/common/sign.js').default;
const { pkg, CASES, recase, validParams } = require('./helpers');

const SECRET_ID = 'AKIDconformance00000000000000000000';
const SECRET_KEY = 'conformance-secret-key-0000000000';

async function officialSignatureServer(secretKey) {
  const seen = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const expected = Sign.sign3({
        method: req.method,
        url: `http://${req.headers.host}${new URL(req.url, `http://${req.headers.host}`).pathname}`,
        payload: body,
        timestamp: Number(req.headers['x-tc-timestamp']),
        service: 'ccc',
        secretId: SECRET_ID,
        secretKey,
        headers: { 'Content-Type': req.headers['content-type'] },
      });
      const ok = req.headers.authorization === expected;
      seen.push({ ok, host: req.headers.host, action: req.headers['x-tc-action'] });
      const RequestId = `conformance-${seen.length}`;
      const Response = ok
        ? { SessionId: `session-${seen.length}`, RequestId }
        : {
          Error: { Code: 'AuthFailure.SignatureFailure', Message: 'The signature does not match the official SDK\'s.' },
          RequestId,
        };
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ Response }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, proxy: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

function client(proxy) {
  return new pkg.Client({
    endpoint: 'http://ccc.tencentcloudapi.com',
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    proxy,
    region: 'ap-singapore',
    rateLimit: 0,
    maxRetries: 0,
  });
}

test('calls signed by this package pass the official SDK\'s signature check', async (t) => {
  const server = await officialSignatureServer(SECRET_KEY);
  t.after(() => server.close());
  const c = client(server.proxy);
  const all44 = CASES.valid.find((x) => x.name.startsWith('all_44_parameters'));
  for (const params of [validParams(), recase(all44.input)]) {
    const { sessionId } = await c.createAiCall(params);
    assert.match(sessionId, /^session-/);
  }
  const answer = await c.request('DescribeTelSession', { SdkAppId: 1400000000, SessionId: 'x' });
  assert.match(answer.RequestId, /^conformance-/);
  assert.deepEqual(server.seen.map((s) => s.ok), [true, true, true]);
  assert.deepEqual(new Set(server.seen.map((s) => s.host)), new Set(['ccc.tencentcloudapi.com']));
});

test('the check is real: a different key fails it', async (t) => {
  const server = await officialSignatureServer('some-other-key');
  t.after(() => server.close());
  const e = await client(server.proxy).createAiCall(validParams()).catch((err) => err);
  assert.ok(e instanceof pkg.AuthenticationError, String(e));
  assert.equal(e.code, 'AuthFailure.SignatureFailure');
  assert.deepEqual(server.seen.map((s) => s.ok), [false]);
});
