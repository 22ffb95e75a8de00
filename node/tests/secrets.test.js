'use strict';
// toString and inspect of clients and errors never show a secret: the SecretKey, the token, the LLM apiKey,
// TTS credentials, a proxy password.

const test = require('node:test');
const assert = require('node:assert/strict');
const { inspect } = require('node:util');
const { pkg, validParams, startEmulator } = require('./helpers');
const { Client } = pkg;

const SECRETS = [
  'SK-zq9-UNIQUE-SECRET-KEY',
  'TOK-zq9-UNIQUE-TOKEN',
  'sk-zq9-UNIQUE-LLM-KEY',
  'TTS-zq9-UNIQUE-SECRET',
  'PROXY-zq9-PASS',
];

function assertClean(what, ...texts) {
  for (const text of texts) {
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${what} shows ${secret}: ${text}`);
  }
}

function shown(value) {
  return [
    String(value),
    inspect(value),
    inspect(value, { depth: Infinity, showHidden: true, getters: true }),
    JSON.stringify(value) ?? '',
  ];
}

test('a client prints its endpoint and its SecretId masked, never its secrets', () => {
  const client = new Client({
    secretId: 'AKIDzq9visible1234',
    secretKey: SECRETS[0],
    token: SECRETS[1],
    endpoint: 'ccc.tencentcloudapi.com',
    proxy: `http://user:${SECRETS[4]}@127.0.0.1:3128`,
  });
  assertClean('client', ...shown(client), ...shown(client.config), Object.keys(client).join());
  assert.match(String(client), /secretId=AKID\*\*\*1234/);
  assert.ok(!String(client).includes('zq9visible') && !inspect(client).includes('zq9visible'), inspect(client));
  assert.match(inspect(client), /ccc\.tencentcloudapi\.com/);
});

test('an endpoint with a password is refused without showing it', () => {
  for (const endpoint of [`http://:${SECRETS[4]}@127.0.0.1:9`, `http://user:${SECRETS[4]}@[bad`]) {
    const error = (() => {
      try {
        return new Client({ secretId: 'AKIDx', secretKey: 'k', endpoint });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof pkg.ConfigurationError, String(error));
    assertClean('endpoint error', ...shown(error), error.stack);
    assert.match(error.message, /\*\*\*@/);
  }
});

test('errors carry no secret from the request or the client', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0, maxRetries: 0 });
  const tts = {
    TTSType: 'tencent', AppId: '1300000000', SecretId: 'AKIDtts', SecretKey: SECRETS[3], VoiceType: 101001, Speed: 99,
  };
  const errorOf = (params) => client.createAiCall(validParams(params)).catch((e) => e);
  const withSecrets = new Client({ ...emulator.clientOptions(), secretKey: SECRETS[0], token: SECRETS[1] });
  const errors = [
    await errorOf({ apiKey: `${SECRETS[2]} with space`, customTtsConfig: tts }),
    await errorOf({ apiKey: SECRETS[2], customTtsConfig: JSON.stringify({ ...tts, Bogus: 1 }) }),
    await errorOf({ apiKey: SECRETS[2], customTtsConfig: `{"SecretKey": "${SECRETS[3]}", ` }),
    await withSecrets.createAiCall(validParams({ apiKey: SECRETS[2] })).catch((e) => e),
    (() => {
      try {
        return new Client({ secretId: 'a', secretKey: SECRETS[0], proxy: `http://u:${SECRETS[4]}@[bad` });
      } catch (e) {
        return e;
      }
    })(),
  ];
  emulator.inject({ kind: 'malformed_body' });
  errors.push(await errorOf({ apiKey: SECRETS[2], customTtsConfig: { ...tts, Speed: 1 } }));
  for (const e of errors) {
    assert.ok(e instanceof pkg.CccError, String(e));
    assertClean(e.name, ...shown(e), e.stack);
  }
});

test('the emulator keeps its SecretKey out of inspect', async (t) => {
  const emulator = await startEmulator();
  t.after(() => emulator.stop());
  assert.ok(!inspect(emulator).includes(emulator.secretKey));
});
