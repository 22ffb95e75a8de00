'use strict';
// Scripting the emulator from Node: how a call goes, read back with the service's own action names.

const test = require('node:test');
const assert = require('node:assert/strict');

const { pkg, validParams, startEmulator } = require('./helpers');

const SDK_APP_ID = 1400000000;

test('script() makes a callee busy, and DescribeTelCdr says so', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  emulator.script('+8613012345678', { endStatus: 206, ringMs: 0, cdrDelayMs: 0 });
  const client = new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const { sessionId } = await client.createAiCall(validParams({ callee: '008613012345678' }));

  const described = await client.request('DescribeTelSession', { SdkAppId: SDK_APP_ID, SessionId: sessionId });
  assert.equal(described.Session.SessionStatus, 'finished');
  const now = Math.floor(Date.now() / 1000);
  const cdr = await client.request('DescribeTelCdr', {
    SdkAppId: SDK_APP_ID, StartTimeStamp: now - 600, EndTimeStamp: now + 600, PageSize: 10, PageNumber: 0,
    SessionIds: [sessionId],
  });
  assert.equal(cdr.TotalCount, 1);
  const [record] = cdr.TelCdrList;
  assert.equal(record.EndStatus, 206);
  assert.equal(record.EndStatusString, 'busy');
  assert.equal(record.AcceptTimestamp, 0);
  assert.equal(record.Callee, '008613012345678');

  emulator.clearScripts();
  const next = await client.createAiCall(validParams({ callee: '008613012345678' }));
  const ringing = await client.request('DescribeTelSession', { SdkAppId: SDK_APP_ID, SessionId: next.sessionId });
  assert.equal(ringing.Session.SessionStatus, 'ringing', 'without a script, calls ring first');
});

test('script() refuses what is not a script, naming the field', async (t) => {
  const emulator = await startEmulator();
  t.after(() => emulator.stop());
  assert.throws(() => emulator.script('*', { endStatuss: 1 }), /end_statuss/);
  assert.throws(() => emulator.script('*', { transcript: [{ role: 'bot', text: 'x' }] }), /bot/);
  emulator.script('*', {
    talkMs: 10,
    transcript: [{ role: 'ai', text: 'Hello' }],
    extracted: [{ name: 'interest', type: 'Boolean', value: true }],
    hangupSide: 'seat',
  });
});
