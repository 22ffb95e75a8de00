'use strict';
// After the call is placed, against the real emulator playing each call by its script: how calls end (waitForCall),
// transcripts and extraction present, late and missing, the wait's timeout and abort, live control (hang up, say,
// transfer) on live and finished calls, and reconciling an outcome-unknown call that was, or was not, placed.

const test = require('node:test');
const assert = require('node:assert/strict');
const { inspect } = require('node:util');

const { pkg, validParams, startEmulator } = require('./helpers');

const SDK_APP_ID = 1400000000;
// Polls this often: the emulator's calls last milliseconds.
const FAST = { pollIntervalMs: 20, maxPollIntervalMs: 100 };

let emulator;
let client;
let number = 0;

test.before(async () => {
  emulator = await startEmulator({ rateLimit: 0, ringingMs: 50, talkingMs: 100 });
  client = new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0 });
});
test.after(() => emulator.stop());

/** A callee of its own for each call, with `script` (if any) for how its call goes. */
function callee(script) {
  number += 1;
  const to = `+86131${String(number).padStart(8, '0')}`;
  if (script) emulator.script(to, script);
  return to;
}

function place(to, params = {}) {
  return client.createAiCall(validParams({ callee: to, ...params }));
}

// A request that configures extraction: its extracted fields are then waited for.
const EXTRACTING = { extractConfig: [{ infoType: 'Boolean', infoName: 'interested', infoContent: 'Interested?' }] };

test('the end-status codes decode through real waits', async () => {
  const cases = [
    [1, 'answered', true],
    [202, 'not_answered', false],
    [206, 'busy', false],
    [203, 'userReject', false],
    [204, 'unreachable', false],
    [205, 'invalid_number', false],
    [222, 'voicemail', false],
    [100, 'blocked', false],
    [211, 'failed', false],
  ];
  const outcomes = await Promise.all(
    cases.map(async ([endStatus]) => {
      const placed = await place(callee({ endStatus, ringMs: endStatus === 1 ? 20 : 0, talkMs: 50 }));
      return client.waitForCall(placed, { ...FAST, transcript: false, extraction: false });
    }),
  );
  for (const [i, [endStatus, status, answered]] of cases.entries()) {
    const outcome = outcomes[i];
    const expected = status === 'userReject' ? 'rejected' : status;
    assert.equal(outcome.status, expected, `EndStatus ${endStatus}`);
    assert.equal(outcome.endStatus, endStatus);
    assert.equal(outcome.answered, answered);
    assert.equal(outcome.sdkAppId, SDK_APP_ID);
    assert.ok(outcome instanceof pkg.CallOutcome);
    assert.ok(outcome.startedAt instanceof Date && outcome.endedAt instanceof Date);
    if (!answered) {
      assert.equal(outcome.talkDurationMs, 0);
      assert.equal(outcome.answeredAt, null);
    }
    assert.deepEqual(outcome.missing, []);
    assert.equal(outcome.transcript, null, 'not asked for');
  }
  assert.equal(outcomes[0].endStatusString, 'ok');
  assert.equal(typeof outcomes[0].raw.record, 'object');
});

test('a transcript and extracted fields that are ready come with the outcome', async () => {
  const to = callee({
    talkMs: 60,
    transcript: [
      { role: 'ai', text: 'Hello, this is the clinic.' },
      { role: 'user', text: 'Hi, Tuesday works.' },
    ],
    extracted: [
      { name: 'interested', type: 'Boolean', value: true },
      { name: 'day', type: 'Text', value: 'Tuesday' },
      { name: 'years', type: 'Number', value: 7 },
      { name: 'why', type: 'Selector', value: ['price'] },
    ],
  });
  const placed = await place(to);
  const outcome = await client.waitForCall(placed, FAST);
  assert.equal(outcome.status, 'answered');
  assert.deepEqual(
    outcome.transcript.map((t) => [t.role, t.text]),
    [['ai', 'Hello, this is the clinic.'], ['user', 'Hi, Tuesday works.']],
  );
  assert.ok(outcome.transcript.every((t) => t.start === null || t.start instanceof Date));
  assert.deepEqual(outcome.extracted, { interested: true, day: 'Tuesday', years: 7, why: ['price'] });
  assert.deepEqual(outcome.missing, []);
  assert.ok(outcome.recordingUrl);
  assert.ok(Array.isArray(outcome.raw.transcript) && Array.isArray(outcome.raw.extraction));
});

test('a transcript and extraction that come late are waited for within the timeout', async () => {
  const to = callee({
    talkMs: 30,
    asrDelayMs: 300,
    extractDelayMs: 400,
    cdrDelayMs: 100,
    extracted: [{ name: 'interested', type: 'Boolean', value: false }],
  });
  const outcome = await client.waitForCall(await place(to, EXTRACTING), { ...FAST, timeoutMs: 10_000 });
  assert.ok(outcome.transcript.length > 0);
  assert.deepEqual(outcome.extracted, { interested: false });
  assert.deepEqual(outcome.missing, []);
});

test('without extractConfig, an empty extraction is nothing extracted; by session id it is waited for', async () => {
  const placed = await place(callee({ talkMs: 30 }));
  const started = Date.now();
  const outcome = await client.waitForCall(placed, { ...FAST, timeoutMs: 5000 });
  assert.deepEqual(outcome.missing, [], 'not missing: there was nothing to extract');
  assert.ok(Date.now() - started < 4000, 'and the wait did not run out its time');
  const bySession = await client.waitForCall(placed.sessionId, { sdkAppId: SDK_APP_ID, ...FAST, timeoutMs: 600 });
  assert.deepEqual(bySession.missing, ['extraction'], 'a session id cannot say whether it was configured');
  const told = { sessionId: placed.sessionId, sdkAppId: SDK_APP_ID, extractionConfigured: false };
  assert.deepEqual((await client.waitForCall(told, { ...FAST, timeoutMs: 5000 })).missing, []);
});

test('a transcript and extraction not ready when the time is up are missing, not an error', async () => {
  const to = callee({ talkMs: 30, asrDelayMs: 60_000, extractDelayMs: 60_000 });
  const outcome = await client.waitForCall(await place(to, EXTRACTING), { ...FAST, timeoutMs: 1500 });
  assert.equal(outcome.status, 'answered');
  assert.equal(outcome.transcript, null);
  assert.equal(outcome.extracted, null);
  assert.deepEqual(outcome.missing, ['transcript', 'extraction']);
});

test('a call still running when the time is up rejects with a WaitTimeoutError', async () => {
  const placed = await place(callee({ ringMs: 10, talkMs: 60_000 }));
  const error = await client.waitForCall(placed, { ...FAST, timeoutMs: 300 }).then(
    () => assert.fail('resolved'),
    (e) => e,
  );
  assert.ok(error instanceof pkg.WaitTimeoutError);
  assert.ok(error instanceof pkg.CccError);
  assert.equal(error.name, 'WaitTimeoutError');
  assert.equal(error.kind, 'wait_timed_out');
  assert.equal(error.outcomeUnknown, false);
  assert.equal(error.sessionId, placed.sessionId);
  assert.ok(['ringing', 'in_progress'].includes(error.lastStatus), error.lastStatus);
  assert.match(error.stack, /outcomes\.test\.js/, 'the stack points at the caller');
  await client.hangUp(placed);
});

test('aborting a wait rejects with an AbortError whose cause is the reason; nothing to reconcile', async () => {
  const placed = await place(callee({ ringMs: 10, talkMs: 60_000 }));
  const controller = new AbortController();
  const reason = new Error('the user left');
  setTimeout(() => controller.abort(reason), 100);
  const error = await client.waitForCall(placed, { ...FAST, signal: controller.signal }).then(
    () => assert.fail('resolved'),
    (e) => e,
  );
  assert.ok(error instanceof pkg.AbortError);
  assert.equal(error.outcomeUnknown, false);
  assert.equal(error.cause, reason);

  const before = emulator.hits('DescribeTelSession');
  await assert.rejects(client.waitForCall(placed, { signal: AbortSignal.abort() }), pkg.AbortError);
  assert.equal(emulator.hits('DescribeTelSession'), before, 'an aborted signal sends nothing');
  await client.hangUp(placed);
});

test('hanging up mid-call ends it; hanging up again is a CallNotLiveError', async () => {
  const placed = await place(callee({ ringMs: 10, talkMs: 60_000 }));
  let state = await client.getCall(placed);
  while (state.status !== 'in_progress') {
    await new Promise((resolve) => setTimeout(resolve, 20));
    state = await client.getCall(placed);
  }
  assert.equal(state.sessionId, placed.sessionId);
  assert.ok(state.answeredAt instanceof Date);
  await client.hangUp(placed);
  const outcome = await client.waitForCall(placed, { ...FAST, timeoutMs: 5000 });
  assert.equal(outcome.answered, true);
  assert.equal(outcome.hangupSide, 'system');
  assert.ok(outcome.talkDurationMs < 60_000);
  assert.equal((await client.getCall(placed.sessionId, { sdkAppId: SDK_APP_ID })).status, 'finished');
  const error = await client.hangUp(placed).catch((e) => e);
  assert.ok(error instanceof pkg.CallNotLiveError);
  assert.ok(error instanceof pkg.CallRejectedError, 'a CallRejectedError too');
  assert.equal(error.kind, 'call_not_live');
  assert.equal(error.code, 'FailedOperation.SessionNotExists');
});

test('say and transfer act on a live call and refuse a finished one', async () => {
  const placed = await place(callee({ ringMs: 0, talkMs: 60_000 }));
  let state = await client.getCall(placed);
  while (state.status === 'ringing') state = await client.getCall(placed);
  await client.say(placed, 'One more thing before you go.');
  await client.say(placed, 'And another.', { interrupt: false, addHistory: true });
  await client.transfer(placed, 7);
  await client.hangUp(placed);
  await client.waitForCall(placed, { ...FAST, transcript: false, extraction: false });
  await assert.rejects(client.say(placed, 'Too late.'), pkg.CallNotLiveError);
  await assert.rejects(client.transfer(placed, 7), pkg.CallNotLiveError);
});

test('the arguments are read by the core, which names a bad one', async () => {
  const placed = await place(callee({ ringMs: 0, endStatus: 202 }));
  const problems = async (promise) => {
    const error = await promise.then(() => assert.fail('resolved'), (e) => e);
    assert.ok(error instanceof pkg.ValidationError, String(error));
    return error.errors.map((e) => e.field);
  };
  assert.deepEqual(await problems(client.waitForCall(placed.sessionId)), ['sdkAppId']);
  assert.deepEqual(await problems(client.waitForCall(placed, { timeout: 5 })), ['timeout']);
  assert.deepEqual(await problems(client.say(placed, '')), ['text']);
  assert.deepEqual(await problems(client.transfer(placed, 'sales')), ['skillGroupId']);
  assert.deepEqual(await problems(client.findCalls(placed.callee, { sdkAppId: SDK_APP_ID })), ['since']);
  assert.deepEqual(await problems(client.reconcile(new Error('not a call'))), ['error']);
  const outcome = await client.waitForCall(placed.sessionId, { sdkAppId: SDK_APP_ID, ...FAST });
  assert.equal(outcome.status, 'not_answered');
});

test('findCalls lists the records of a number in a window (Dates or milliseconds)', async () => {
  const to = callee({ ringMs: 0, endStatus: 206 });
  const since = new Date(Date.now() - 60_000);
  const first = await place(to);
  const second = await place(to);
  await client.waitForCall(second, FAST);
  const found = await client.findCalls(to, { sdkAppId: SDK_APP_ID, since, until: Date.now() + 60_000 });
  assert.deepEqual(found.map((c) => c.sessionId).sort(), [first.sessionId, second.sessionId].sort());
  assert.ok(found.every((c) => c instanceof pkg.CallOutcome && c.status === 'busy'));
});

test('createAiCall tells which call it placed, and when', async () => {
  const before = Date.now();
  const placed = await place('+86 131 9999 0000');
  assert.equal(placed.sdkAppId, SDK_APP_ID);
  assert.equal(placed.callee, '008613199990000');
  assert.ok(placed.placedAt instanceof Date);
  assert.ok(placed.placedAt.getTime() >= before - 5 && placed.placedAt.getTime() <= Date.now());
  assert.equal(placed.extractionConfigured, false);
  await client.hangUp(placed);
});

test('reconcile: a timeout after the emulator placed the call finds it', async () => {
  const to = callee({ ringMs: 0, endStatus: 202 });
  emulator.inject({ kind: 'delay', phase: 'after_read', ms: 1500, action: 'CreateAICall' });
  const impatient = new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0, timeoutMs: 300 });
  const before = Date.now();
  const error = await impatient.createAiCall(validParams({ callee: to })).then(() => assert.fail('resolved'), (e) => e);
  assert.ok(error instanceof pkg.OutcomeUnknownError);
  assert.equal(error.timedOut, true);
  assert.equal(error.sdkAppId, SDK_APP_ID);
  assert.equal(error.callee, `00${to.slice(1)}`);
  assert.ok(error.sentAt instanceof Date && error.sentAt.getTime() >= before - 5);
  const placed = emulator.calls().find((c) => c.body.Callee === error.callee);
  assert.ok(placed, 'the emulator placed it');

  const settled = await client.reconcile(error, { maxRingMs: 0, recordDelayMs: 0, clockSkewMs: 1000 });
  assert.equal(settled.verdict, 'placed');
  assert.equal(settled.calls[0].sessionId, placed.sessionId);
  assert.ok(settled.calls[0] instanceof pkg.CallOutcome);
  assert.equal(settled.retryAfterMs, null);
});

test('reconcile: a timeout before the emulator read the request concludes "not placed" once it can', async () => {
  const to = callee({ ringMs: 0, endStatus: 202 });
  emulator.inject({ kind: 'delay', phase: 'before_read', ms: 1500, action: 'CreateAICall' });
  const impatient = new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0, timeoutMs: 300 });
  const error = await impatient
    .createAiCall(validParams({ callee: to, maxCallDurationMs: 1000 }))
    .then(() => assert.fail('resolved'), (e) => e);
  assert.ok(error instanceof pkg.OutcomeUnknownError);
  const windows = { maxRingMs: 0, recordDelayMs: 0, clockSkewMs: 0 };
  const early = await client.reconcile(error, windows);
  assert.equal(early.verdict, 'cannot_tell_yet', 'the call could still be running');
  assert.ok(early.retryAfterMs > 0 && early.retryAfterMs <= 1000, String(early.retryAfterMs));
  assert.deepEqual(early.calls, []);
  await new Promise((resolve) => setTimeout(resolve, early.retryAfterMs + 50));
  const late = await client.reconcile(error, windows);
  assert.equal(late.verdict, 'not_placed');
  assert.ok(!emulator.calls().some((c) => c.body.Callee === error.callee), 'and indeed it was not placed');
});

test('an outcome printed shows its status, durations and transcript; JSON gives the data', async () => {
  const to = callee({
    talkMs: 40,
    transcript: [{ role: 'ai', text: 'Hello!' }, { role: 'user', text: 'Hi.' }],
    extracted: [{ name: 'interested', type: 'Boolean', value: true }],
    hangupSide: 'user',
  });
  const outcome = await client.waitForCall(await place(to), FAST);
  const shown = inspect(outcome);
  assert.match(shown, /^CallOutcome answered \(ok, 1\) 0086131\d+/);
  assert.match(shown, /rang .*, talked .*, hung up by user/);
  assert.match(shown, /\n {2}ai: Hello!\n {2}user: Hi\./);
  assert.match(shown, /extracted \{ interested: true \}/);
  assert.doesNotMatch(shown, /raw/, 'the raw answers stay out of the summary');
  const data = JSON.parse(JSON.stringify(outcome));
  assert.equal(data.status, 'answered');
  assert.equal(data.sessionId, outcome.sessionId);
  assert.equal(data.endedAt, outcome.endedAt.toISOString());
  assert.deepEqual(data.extracted, { interested: true });
  assert.ok(data.raw.record);
  assert.match(inspect({ nested: { deeper: { outcome } } }, { depth: 1 }), /CallOutcome|\[Object\]/);
});

test('a campaign report printed shows its counts by status; JSON gives the data', async () => {
  const [a, b] = [callee({ ringMs: 0, endStatus: 206 }), callee({ ringMs: 0, endStatus: 206 })];
  const report = await client.createAiCalls([{ callee: a }, { callee: b }, { callee: 'not a number' }], {
    defaults: validParams(),
    skipInvalid: true,
  });
  assert.ok(report instanceof pkg.CampaignReport);
  assert.equal(inspect(report).split('\n')[0], 'CampaignReport 3 items: invalid 1, placed 2');
  const data = JSON.parse(JSON.stringify(report));
  const keys = ['counts', 'failed', 'items', 'outcomeUnknown', 'placed', 'requests', 'toReconcile'];
  assert.deepEqual(Object.keys(data).sort(), keys);
  assert.equal(data.items.length, 3);
  assert.equal(data.counts.placed, 2);
});
