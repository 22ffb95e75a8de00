'use strict';
// Every parameter reaches the wire with its exact name and value: the shared valid cases, written the way a
// JavaScript caller writes them, against the emulator (and, for raw extra parameters the emulator refuses as
// unknown, against a plain capturing server on loopback).

const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { pkg, CASES, recase, startEmulator, validParams } = require('./helpers');

const ALL_44 = CASES.valid.find((c) => c.name.startsWith('all_44_parameters'));
// The 44 parameters of API.md section 2, in its order: an oracle independent of the core's own list.
const PARAMETERS = [
  'SdkAppId', 'Callee', 'LLMType', 'APIKey', 'APIUrl', 'SystemPrompt', 'Model', 'VoiceType', 'Callers',
  'WelcomeMessage', 'WelcomeType', 'WelcomeMessagePriority', 'MaxDuration', 'Languages', 'InterruptMode',
  'InterruptSpeechDuration', 'EndFunctionEnable', 'EndFunctionDesc', 'TransferFunctionEnable', 'TransferItems',
  'TransferToAgentEnable', 'TransferToAgentItems', 'NotifyDuration', 'NotifyMessage', 'NotifyMaxCount',
  'CustomTTSConfig', 'PromptVariables', 'VadSilenceTime', 'ExtractConfig', 'Temperature', 'Variables', 'TopP',
  'VadLevel', 'ToneWord', 'EnableComplianceAudio', 'EnableVoicemailDetection', 'VoicemailAction', 'LLMExtraBody',
  'MaxCallDurationMs', 'MaxRingTimeoutSecond', 'AmbientSoundType', 'AmbientSoundVolume', 'AcquireTimeoutSecond',
  'CustomSTTConfig',
];

// Answers every request with success and keeps the bodies.
async function captureServer() {
  const bodies = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ Response: { SessionId: 'captured', RequestId: 'req-captured' } }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { bodies, endpoint: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

test('the all-44 case sets every parameter', () => {
  assert.equal(new Set(PARAMETERS).size, 44);
  assert.deepEqual(PARAMETERS.filter((p) => !(p in ALL_44.input)), []);
});

test('every valid case reaches the wire exactly, camelCase in, wire names out', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  const capture = await captureServer();
  t.after(() => Promise.all([emulator.stop(), capture.close()]));
  const viaEmulator = new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const viaCapture =
    new pkg.Client({ endpoint: capture.endpoint, secretId: 'AKIDtest', secretKey: 'test-key', rateLimit: 0 });
  const seen = new Set();
  for (const c of CASES.valid) {
    const raw = Object.keys(c.wire).some((k) => !PARAMETERS.includes(k));
    const client = raw ? viaCapture : viaEmulator;
    const { sessionId, requestId } = await client.createAiCall(recase(c.input));
    assert.ok(sessionId && requestId, c.name);
    const body = raw ? capture.bodies.at(-1) : emulator.calls().at(-1).body;
    assert.deepEqual(body, c.wire, c.name);
    for (const k of Object.keys(body)) seen.add(k);
  }
  assert.deepEqual(PARAMETERS.filter((p) => !seen.has(p)), [], 'parameters never sent');
  const documentedOnly = CASES.valid.filter((c) => Object.keys(c.wire).every((k) => PARAMETERS.includes(k)));
  assert.equal(emulator.calls().length, documentedOnly.length);
});

test('the service\'s PascalCase names are accepted too, and give the same wire body', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0 });
  await client.createAiCall(ALL_44.input);
  assert.deepEqual(emulator.calls()[0].body, ALL_44.wire);
});

test('undefined properties are not set; integers stay integers', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0 });
  await client.createAiCall({
    sdkAppId: 1400000000,
    callee: '008613012345678',
    llmType: 'dify',
    apiKey: 'k',
    apiUrl: 'https://api.dify.ai/v1',
    model: undefined,
    welcomeMessage: undefined,
    maxCallDurationMs: 7_200_000_000,
  });
  const body = emulator.calls()[0].body;
  assert.equal('Model' in body, false);
  assert.equal('WelcomeMessage' in body, false);
  assert.equal(body.MaxCallDurationMs, 7_200_000_000);
});

test('text that looks like what the JSON conversion refuses reaches the wire as written', async (t) => {
  // Requests without null and with few brackets take a quicker conversion; these take the precise one, and the
  // text must come out the same either way.
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const prompts = ['Say null if unsure; NaN and Infinity are words too.', `${'{['.repeat(150)} braces`, 'plain'];
  for (const systemPrompt of prompts) {
    await client.createAiCall({ ...validParams(), systemPrompt, welcomeMessage: null, temperature: 0.5 });
  }
  const bodies = emulator.calls().map((c) => c.body);
  assert.deepEqual(bodies.map((b) => b.SystemPrompt), prompts);
  assert.ok(bodies.every((b) => !('WelcomeMessage' in b) && b.Temperature === 0.5));
});

test('request() reaches other actions with the service\'s names', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const { sessionId } = await client.createAiCall(recase(CASES.valid[0].input));
  const described = await client.request('DescribeTelSession', { SdkAppId: 1400000000, SessionId: sessionId });
  assert.equal(described.Session.SessionID, sessionId);
  assert.equal(typeof described.RequestId, 'string');
  const hungUp = await client.request('HangUpCall', { SdkAppId: 1400000000, SessionId: sessionId });
  assert.equal(typeof hungUp.RequestId, 'string');
});
