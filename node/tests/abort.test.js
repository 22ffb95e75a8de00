'use strict';
// AbortSignal: before sending nothing is placed (AbortError); in flight the call may have been placed
// (OutcomeUnknownError, outcomeUnknown true).

const test = require('node:test');
const assert = require('node:assert/strict');
const { setTimeout: sleep } = require('node:timers/promises');
const { pkg, validParams, startEmulator } = require('./helpers');
const { Client, AbortError, OutcomeUnknownError, CccError } = pkg;

let emulator;
test.before(async () => {
  emulator = await startEmulator({ rateLimit: 0 });
});
test.after(() => emulator.stop());
test.beforeEach(() => emulator.reset());

const reject = (promise) => promise.then(() => assert.fail('expected a rejection'), (e) => e);

test('an already aborted signal rejects at once with AbortError and sends nothing', async () => {
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const reason = new Error('user gave up');
  const e = await reject(client.createAiCall(validParams(), { signal: AbortSignal.abort(reason) }));
  assert.ok(e instanceof AbortError && e instanceof CccError && e instanceof Error);
  assert.equal(e.name, 'AbortError');
  assert.equal(e.code, 'ABORT_ERR');
  assert.equal(e.kind, 'cancelled');
  assert.equal(e.outcomeUnknown, false);
  assert.equal(e.cause, reason);
  assert.equal(emulator.hits(), 0);
});

test('an abort while waiting for the rate limiter is an AbortError; nothing is sent', async () => {
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 1 });
  await client.createAiCall(validParams());
  const controller = new AbortController();
  const waiting = client.createAiCall(validParams(), { signal: controller.signal });
  await sleep(100);
  controller.abort();
  const e = await reject(waiting);
  assert.ok(e instanceof AbortError, String(e));
  assert.equal(e.outcomeUnknown, false);
  assert.equal(emulator.hits('CreateAICall'), 1);
});

test('an abort while the request is in flight is an OutcomeUnknownError: the call may have been placed', async () => {
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
  emulator.inject({ kind: 'delay', phase: 'after_read', ms: 3000 });
  const controller = new AbortController();
  const started = Date.now();
  const inFlight = client.createAiCall(validParams(), { signal: controller.signal });
  await sleep(300);
  controller.abort();
  const e = await reject(inFlight);
  assert.ok(Date.now() - started < 2000, 'the abort did not end the call promptly');
  assert.ok(e instanceof OutcomeUnknownError, String(e));
  assert.equal(e.kind, 'outcome_unknown');
  assert.equal(e.outcomeUnknown, true);
  assert.equal(e.cause?.name, 'AbortError');
  assert.equal(emulator.hits('CreateAICall'), 1);
  assert.equal(emulator.calls().length, 1, 'the emulator placed the call');
});

test('AbortSignal.timeout works, and request() takes a signal too', async () => {
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
  emulator.inject({ kind: 'delay', phase: 'after_read', ms: 3000, action: 'DescribeTelSession' });
  const e = await reject(client.request('DescribeTelSession', { SdkAppId: 1, SessionId: 's' }, { signal: AbortSignal.timeout(200) }));
  assert.ok(e instanceof OutcomeUnknownError);
  assert.equal(e.cause?.name, 'TimeoutError');
});

test('a signal that never fires changes nothing, and its listener is removed', async () => {
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const controller = new AbortController();
  for (let i = 0; i < 20; i++) await client.createAiCall(validParams(), { signal: controller.signal });
  const { getEventListeners } = require('node:events');
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  controller.abort();
  assert.equal(emulator.calls().length, 20);
});
