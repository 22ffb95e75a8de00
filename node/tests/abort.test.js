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
  assert.ok(!(e instanceof AbortError));
  assert.equal(e.kind, 'outcome_unknown');
  assert.equal(e.outcomeUnknown, true);
  assert.equal(e.cause, controller.signal.reason);
  assert.equal(e.cause?.name, 'AbortError');
  assert.equal(emulator.hits('CreateAICall'), 1);
  assert.equal(emulator.calls().length, 1, 'the emulator placed the call');
});

test('AbortSignal.timeout works, and request() takes a signal too', async () => {
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
  emulator.inject({ kind: 'delay', phase: 'after_read', ms: 3000, action: 'DescribeTelSession' });
  const signal = AbortSignal.timeout(200);
  const e = await reject(client.request('DescribeTelSession', { SdkAppId: 1, SessionId: 's' }, { signal }));
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

test('a campaign aborted midway resolves with the partial report: placed kept, in flight unknown, ' +
  'the rest unsent', async () => {
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 2 }); // requests 500 ms apart
  emulator.inject({ kind: 'delay', phase: 'before_read', ms: 1 }); // the first request: answered at once
  emulator.inject({ kind: 'delay', phase: 'after_read', ms: 5000 }); // the second: placed, answered after the abort
  const controller = new AbortController();
  const reason = new Error('operator stop');
  const placed = [];
  const calls = Array.from({ length: 8 }, (_, i) => ({ callee: `0086130000000${String(i).padStart(2, '0')}` }));
  const campaign = client.createAiCalls(calls, {
    defaults: validParams(),
    concurrency: 3,
    signal: controller.signal,
    // Two placed: the second request sent is in flight, item 3 waits for the limiter (500 ms after the third).
    onProgress: (item) => {
      if (item.status === 'placed' && placed.push(item.index) === 2) controller.abort(reason);
    },
  });
  const report = await campaign;

  // The three first items start together and take the limiter's turns in whatever order their tasks run: the
  // first request sent is answered at once, the second is the one in flight at the abort, the third placed.
  const statuses = report.items.map((i) => i.status);
  assert.deepEqual(statuses.slice(0, 3).sort(), ['outcome_unknown', 'placed', 'placed']);
  assert.deepEqual(statuses.slice(3), Array(5).fill('not_attempted'));
  const inFlightIndex = statuses.indexOf('outcome_unknown');
  for (const index of [0, 1, 2].filter((i) => i !== inFlightIndex)) {
    const item = report.items[index];
    assert.match(item.sessionId, /\S/);
    assert.ok(item.sentAt instanceof Date);
    assert.ok(emulator.calls().some((c) => c.sessionId === item.sessionId), 'the placed call is the one reported');
  }
  const inFlight = report.items[inFlightIndex];
  assert.ok(inFlight.error instanceof OutcomeUnknownError, String(inFlight.error));
  assert.equal(inFlight.error.kind, 'outcome_unknown');
  assert.equal(inFlight.error.cause, reason);
  assert.ok(inFlight.sentAt instanceof Date);
  assert.deepEqual(report.toReconcile, [inFlight]);
  for (const item of report.items.slice(3)) {
    assert.equal(item.attempts, 0);
    assert.ok(item.error === undefined || item.error instanceof AbortError, String(item.error));
  }
  assert.deepEqual([report.placed, report.outcomeUnknown, report.counts.not_attempted], [2, 1, 5]);
  await sleep(1200); // past the turn item 3 was waiting for
  assert.equal(emulator.hits('CreateAICall'), 3, 'nothing waiting for the limiter was sent after the abort');
  assert.deepEqual(emulator.calls().map((c) => c.body.Callee).sort(), calls.slice(0, 3).map((c) => c.callee));
});
