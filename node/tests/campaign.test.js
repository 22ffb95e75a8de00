'use strict';
// Campaigns (createAiCalls): the service's rate without a single refusal, faults that never dial anyone twice,
// journal resume after an abort and after a kill, early stop, skipInvalid, onProgress, readCallsCsv.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFile } = require('node:child_process');
const { promisify } = require('node:util');
const { pathToFileURL } = require('node:url');
const { setTimeout: sleep } = require('node:timers/promises');
const { pkg, startEmulator } = require('./helpers');
const {
  Client, createAiCalls, readCallsCsv, CccError, ValidationError, ConfigurationError, AuthenticationError,
  CallRejectedError, InternalServerError, OutcomeUnknownError, AbortError,
} = pkg;

const DEFAULTS = {
  sdkAppId: 1400000000,
  llmType: 'openai',
  apiKey: 'sk-campaign-secret',
  apiUrl: 'https://api.openai.com/v1/',
  systemPrompt: 'Remind {{name}} of tomorrow\'s appointment at {{clinic}}.',
  model: 'gpt-4o-mini',
  variables: [{ key: 'clinic', value: 'North' }],
};

const callee = (i) => `0086130${String(i).padStart(8, '0')}`;
const callsOf = (n) =>
  Array.from({ length: n }, (_, i) => ({ callee: callee(i), variables: [{ key: 'name', value: `P${i}` }] }));

function tmpdir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-aicall-campaign-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// Callees the emulator placed, with how often each was placed.
function placedCallees(emulator) {
  const counts = new Map();
  for (const call of emulator.calls()) counts.set(call.body.Callee, (counts.get(call.body.Callee) ?? 0) + 1);
  return counts;
}

function assertNobodyTwice(emulator) {
  for (const [number, n] of placedCallees(emulator)) assert.equal(n, 1, `${number} was placed ${n} times`);
}

const run = promisify(execFile);
const reject = (promise) => promise.then(() => assert.fail('expected a rejection'), (e) => e);

test('200 calls at the default rate take about 10 s, with no refusal and exactly 200 placed', async (t) => {
  const emulator = await startEmulator(); // the service's 20 requests per second
  t.after(() => emulator.stop());
  const client = new Client(emulator.clientOptions()); // the default 20 per second
  const seen = [];
  const started = performance.now();
  const report = await client.createAiCalls(callsOf(200), {
    defaults: DEFAULTS,
    onProgress: (item) => seen.push(item),
  });
  const elapsed = (performance.now() - started) / 1000;
  t.diagnostic(`200 calls in ${elapsed.toFixed(2)} s`);

  assert.ok(elapsed >= 9 && elapsed <= 14, `took ${elapsed} s`);
  assert.equal(report.items.length, 200);
  assert.deepEqual(report.items.map((i) => i.index), [...Array(200).keys()], 'items in input order');
  assert.equal(report.placed, 200);
  assert.equal(report.failed, 0);
  assert.equal(report.outcomeUnknown, 0);
  assert.deepEqual(report.toReconcile, []);
  assert.equal(report.stoppedBy, undefined);
  for (const item of report.items) {
    assert.equal(item.status, 'placed');
    assert.equal(item.attempts, 1, `item ${item.index} was refused and sent again`);
    assert.equal(item.callee, callee(item.index));
    assert.match(item.sessionId, /\S/);
    assert.match(item.requestId, /\S/);
    assert.equal(item.error, undefined);
  }
  assert.equal(emulator.hits('CreateAICall'), 200, 'a RequestLimitExceeded was answered');
  assert.equal(emulator.calls().length, 200);
  assertNobodyTwice(emulator);

  // onProgress ran once per item, on this thread, before the promise resolved.
  assert.equal(seen.length, 200);
  assert.equal(new Set(seen.map((i) => i.index)).size, 200);
  // The template and the item were merged: Variables by key.
  const body = emulator.calls().find((c) => c.body.Callee === callee(7)).body;
  assert.deepEqual(body.Variables, [{ Key: 'clinic', Value: 'North' }, { Key: 'name', Value: 'P7' }]);
  assert.equal(body.SystemPrompt, DEFAULTS.systemPrompt);
});

// Dangerous faults (the call was placed, the answer lost), a refusal, then the refusals worth another try: last,
// because the queue is shared by all requests and an item tried again takes whatever fault comes next.
function injectFaults(emulator) {
  emulator.inject({ kind: 'error', code: 'InternalError' });
  emulator.inject({ kind: 'http_status', status: 502 });
  emulator.inject({ kind: 'close_after_read' });
  emulator.inject({ kind: 'delay', phase: 'after_read', ms: 2500 }); // past timeoutMs
  emulator.inject({ kind: 'error', code: 'FailedOperation.CalleeIsBlackUser' });
  emulator.inject({ kind: 'error', code: 'RequestLimitExceeded', times: 3 }); // beyond the client's 2 retries
  emulator.inject({ kind: 'error', code: 'FailedOperation.AIConcurrentOverFrequency' });
}

test('faults one at a time: statuses and errors match, and nobody is placed twice', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0, timeoutMs: 800 });
  injectFaults(emulator);
  const report = await client.createAiCalls(callsOf(8), { defaults: DEFAULTS, concurrency: 1 });

  assert.deepEqual(report.items.map((i) => i.status), [
    'outcome_unknown', 'outcome_unknown', 'outcome_unknown', 'outcome_unknown', 'failed', 'placed', 'placed', 'placed',
  ]);
  const [internal, proxy, dropped, timedOut, refused, retried] = report.items;
  assert.ok(internal.error instanceof InternalServerError && internal.error.outcomeUnknown);
  assert.ok(proxy.error instanceof OutcomeUnknownError && proxy.error.httpStatus === 502);
  assert.ok(dropped.error instanceof OutcomeUnknownError);
  assert.ok(timedOut.error instanceof OutcomeUnknownError && timedOut.error.timedOut);
  for (const item of [internal, proxy, dropped, timedOut]) assert.equal(item.outcomeUnknown, true);
  assert.ok(refused.error instanceof CallRejectedError && refused.error instanceof CccError);
  assert.equal(refused.error.code, 'FailedOperation.CalleeIsBlackUser');
  assert.equal(refused.requestId, refused.error.requestId);
  assert.equal(refused.outcomeUnknown, false);
  // Requests sent for it: three refused with RequestLimitExceeded (the client's own tries), queued again and
  // refused with AIConcurrentOverFrequency, queued again and placed.
  assert.equal(retried.attempts, 5);
  assert.equal(retried.error, undefined);
  assert.deepEqual(report.toReconcile.map((i) => i.index), [0, 1, 2, 3]);
  assert.equal(report.toReconcile[0], internal, 'toReconcile lists the same item objects');
  assert.deepEqual([report.placed, report.failed, report.outcomeUnknown], [3, 1, 4]);

  assert.equal(emulator.hits('CreateAICall'), 12);
  assert.equal(emulator.calls().length, 7, 'the four dangerous faults placed their call');
  assertNobodyTwice(emulator);
});

test('the same faults under concurrency: never more placed calls than items, nobody twice', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0, timeoutMs: 800 });
  injectFaults(emulator);
  const report = await client.createAiCalls(callsOf(12), { defaults: DEFAULTS, concurrency: 4 });
  // Which item takes which fault varies; what each fault does to its item does not.
  assert.deepEqual(report.counts, {
    placed: 7, failed: 1, outcome_unknown: 4, already_placed: 0, unreconciled: 0, invalid: 0, not_attempted: 0,
    claimed_elsewhere: 0,
  });
  for (const item of report.items) {
    assert.equal(item.outcomeUnknown, item.status === 'outcome_unknown');
    assert.equal(item.error === undefined, item.status === 'placed');
  }
  assert.equal(emulator.calls().length, 11);
  assert.ok(emulator.calls().length <= 12);
  assertNobodyTwice(emulator);
});

test('journal: abort midway, run again: nobody placed twice, the unanswered ones listed to reconcile', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 20 });
  const journal = path.join(tmpdir(t), 'reminders.jsonl');
  const calls = callsOf(30);
  // The first two calls are placed but answered late: in flight when the abort comes.
  emulator.inject({ kind: 'delay', phase: 'after_read', ms: 5000, times: 2 });

  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('Ctrl-C')), 600);
  const first = await client.createAiCalls(calls, {
    defaults: DEFAULTS,
    concurrency: 3,
    journal,
    signal: controller.signal,
  });
  const unknown = first.items.filter((i) => i.status === 'outcome_unknown');
  // The two delayed calls at least; on a loaded machine a call that had just left may be in flight too.
  assert.ok(unknown.length >= 2 && unknown.length <= 3, `outcome unknown: ${unknown.length}`);
  // The delayed ones are two of the first three sent: three leave together and need not reach it in input order.
  assert.ok(first.items.slice(0, 3).filter((i) => i.status === 'outcome_unknown').length >= 2);
  for (const item of unknown) {
    assert.ok(item.error instanceof OutcomeUnknownError, String(item.error));
    assert.equal(item.error.kind, 'outcome_unknown');
    assert.equal(item.error.cause?.message, 'Ctrl-C');
  }
  assert.ok(first.placed >= 3 && first.placed <= 20, `placed ${first.placed} before the abort`);
  assert.ok(first.counts.not_attempted >= 5, 'the abort left items unsent');
  assert.equal(first.placed + first.counts.not_attempted + unknown.length, 30);
  for (const item of first.items.filter((i) => i.status === 'not_attempted')) {
    assert.ok(item.error === undefined || item.error instanceof AbortError, String(item.error));
  }
  t.diagnostic(`aborted: ${JSON.stringify(first.counts)}`);
  const placedBefore = emulator.calls().length;
  // The two delayed ones were placed (the emulator read them); a third in flight may or may not have been read.
  const readByEmulator = placedBefore - first.placed;
  assert.ok(readByEmulator >= 2 && readByEmulator <= unknown.length, `placed ${placedBefore}`);

  const progress = [];
  const second = await client.createAiCalls(calls, {
    defaults: DEFAULTS,
    concurrency: 3,
    journal,
    onProgress: (i) => progress.push(i.status),
  });
  assert.equal(second.counts.already_placed, first.placed);
  assert.equal(second.counts.unreconciled, unknown.length);
  assert.equal(second.placed, 30 - first.placed - unknown.length);
  assert.deepEqual(second.toReconcile.map((i) => i.index), unknown.map((i) => i.index));
  assert.ok(second.toReconcile.every((i) => i.status === 'unreconciled' && i.outcomeUnknown && i.attempts === 0));
  for (const item of second.items.filter((i) => i.status === 'already_placed')) {
    assert.equal(item.sessionId, first.items[item.index].sessionId);
  }
  assert.equal(progress.length, 30, 'onProgress also reports the items the journal skipped');
  // Every item placed once over both runs, but those left to reconcile, which are never sent again.
  assert.equal(emulator.calls().length, placedBefore + second.placed);
  assertNobodyTwice(emulator);

  // A third run sends nothing at all.
  const hits = emulator.hits('CreateAICall');
  const third = await client.createAiCalls(calls, { defaults: DEFAULTS, journal });
  assert.equal(third.counts.already_placed, 30 - unknown.length);
  assert.equal(third.counts.unreconciled, unknown.length);
  assert.equal(emulator.hits('CreateAICall'), hits);
});

test('journal: a process killed mid-campaign leaves a journal from which a re-run dials nobody twice', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const journal = path.join(tmpdir(t), 'killed.jsonl');
  const calls = callsOf(40);
  const script = `
    const { Client } = require(${JSON.stringify(path.resolve(__dirname, '..'))});
    const [options, calls, defaults, journal] = JSON.parse(process.argv[1]);
    new Client({ ...options, rateLimit: 25 }).createAiCalls(calls, {
      defaults, journal, concurrency: 3, onProgress: (item) => process.stdout.write(item.status + '\\n'),
    });`;
  const input = JSON.stringify([emulator.clientOptions(), calls, DEFAULTS, journal]);
  const child = spawn(process.execPath, ['-e', script, input], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => child.kill('SIGKILL'));
  let finished = 0;
  await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => reject(new Error('the child ended before it was killed')));
    child.stdout.on('data', (chunk) => {
      finished += String(chunk).split('\n').filter(Boolean).length;
      if (finished >= 10) resolve();
    });
  });
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  const placedByChild = emulator.calls().length;
  assert.ok(placedByChild >= 10 && placedByChild < 40, `the child placed ${placedByChild}`);

  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const report = await client.createAiCalls(calls, { defaults: DEFAULTS, journal });
  assert.equal(report.failed + report.outcomeUnknown + report.counts.not_attempted, 0);
  assert.equal(report.counts.already_placed + report.counts.unreconciled + report.placed, 40);
  assertNobodyTwice(emulator);
  // Everyone was called exactly once, except those the kill caught between journal and answer: listed to
  // reconcile (they may or may not have been placed, never twice).
  const placed = placedCallees(emulator);
  for (const item of report.items) {
    if (item.status === 'unreconciled') assert.ok(report.toReconcile.includes(item));
    else assert.equal(placed.get(item.callee), 1, `${item.callee} (${item.status})`);
  }
  assert.ok(report.toReconcile.length <= 3, 'at most the calls in flight at the kill are unreconciled');
  t.diagnostic(`killed after ${placedByChild} placed; the re-run: ${JSON.stringify(report.counts)}`);
});

test('one run per journal: a second run on the same file is a ConfigurationError naming it, ' +
  'and dials nobody', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 5 }); // the first run takes about a second
  const journal = path.join(tmpdir(t), 'busy.jsonl');
  const first = client.createAiCalls(callsOf(5), { defaults: DEFAULTS, journal });
  while (emulator.hits('CreateAICall') === 0) await sleep(5); // it holds the journal

  const e = await reject(client.createAiCalls(callsOf(6), { defaults: DEFAULTS, journal }));
  assert.ok(e instanceof ConfigurationError, String(e));
  assert.ok(e.message.includes(journal) && /in use by another run/.test(e.message), e.message);
  assert.equal((await first).placed, 5);
  assert.equal(emulator.calls().length, 5, 'the second run dialled nobody');

  // Once the first run has ended the journal is free again.
  const again = await client.createAiCalls(callsOf(6), { defaults: DEFAULTS, journal });
  assert.deepEqual([again.counts.already_placed, again.placed], [5, 1]);
  assertNobodyTwice(emulator);
});

test('an account-wide error stops the campaign early: the rest are not attempted', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const wrong = new Client({ ...emulator.clientOptions(), secretKey: 'not-the-key', rateLimit: 0 });
  const report = await wrong.createAiCalls(callsOf(6), { defaults: DEFAULTS, concurrency: 1 });
  assert.ok(report.stoppedBy instanceof AuthenticationError, String(report.stoppedBy));
  assert.match(report.stoppedBy.code, /^AuthFailure/);
  assert.equal(report.items[0].status, 'failed');
  assert.ok(report.items[0].error instanceof AuthenticationError);
  assert.deepEqual(report.items.slice(1).map((i) => i.status), Array(5).fill('not_attempted'));
  assert.equal(emulator.hits('CreateAICall'), 1);

  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
  emulator.inject({ kind: 'error', code: 'FailedOperation.AIConcurrentNoPackage' });
  const noPackage = await client.createAiCalls(callsOf(4), { defaults: DEFAULTS, concurrency: 1 });
  assert.ok(noPackage.stoppedBy instanceof CallRejectedError);
  assert.deepEqual(noPackage.items.map((i) => i.status), ['failed', 'not_attempted', 'not_attempted', 'not_attempted']);
  assert.equal(emulator.calls().length, 0);
});

test('every bad item is reported before anything is sent; skipInvalid runs the rest', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const calls = [
    { callee: callee(0) }, { callee: 'abc' }, { callee: callee(2) }, {}, { callee: callee(4), vadLevel: 9 },
  ];

  const e = await reject(client.createAiCalls(calls, { defaults: DEFAULTS }));
  assert.ok(e instanceof ValidationError, String(e));
  const fields = e.errors.map((p) => p.field);
  assert.ok(
    fields.includes('calls[1].callee') && fields.includes('calls[3].callee') && fields.includes('calls[4].vadLevel'),
    fields.join(),
  );
  assert.ok(!fields.some((f) => /^calls\[[02]\]/.test(f)), fields.join());
  assert.match(e.stack, /campaign\.test\.js/, 'the stack points at the caller');
  assert.equal(emulator.hits(), 0);

  const report = await client.createAiCalls(calls, { defaults: DEFAULTS, skipInvalid: true });
  assert.deepEqual(report.items.map((i) => i.status), ['placed', 'invalid', 'placed', 'invalid', 'invalid']);
  assert.ok(report.items[1].error instanceof ValidationError);
  assert.equal(report.items[1].error.errors[0].field, 'callee');
  assert.equal(report.items[3].callee, '');
  assert.equal(report.counts.invalid, 3);
  assert.equal(emulator.calls().length, 2);
});

test('options: misspellings, wrong types, an aborted signal, and calls that are not a list', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const calls = callsOf(2);

  let e = await reject(client.createAiCalls(calls, { defaults: DEFAULTS, onprogress: () => {} }));
  assert.ok(e instanceof ConfigurationError);
  assert.match(e.message, /`onprogress`; did you mean `onProgress`/);
  e = await reject(client.createAiCalls(calls, { defaults: DEFAULTS, concurency: 2 }));
  assert.match(e.message, /did you mean `concurrency`/);
  e = await reject(client.createAiCalls(calls, { defaults: DEFAULTS, concurrency: 'four' }));
  assert.ok(e instanceof ConfigurationError && /`concurrency` must be a whole number/.test(e.message));
  e = await reject(client.createAiCalls(calls, { defaults: DEFAULTS, onProgress: 'yes' }));
  assert.ok(e instanceof ConfigurationError);
  e = await reject(client.createAiCalls({ callee: callee(0) }, { defaults: DEFAULTS }));
  assert.ok(e instanceof ValidationError);
  assert.equal(e.errors[0].field, 'calls');
  e = await reject(client.createAiCalls(calls, { defaults: 'x' }));
  assert.ok(e instanceof ValidationError);
  assert.match(e.errors[0].field, /defaults$/);

  const reason = new Error('never mind');
  e = await reject(client.createAiCalls(calls, { defaults: DEFAULTS, signal: AbortSignal.abort(reason) }));
  assert.ok(e instanceof AbortError);
  assert.equal(e.cause, reason);
  assert.equal(emulator.hits(), 0);

  const empty = await client.createAiCalls([], { defaults: DEFAULTS });
  assert.deepEqual(empty.items, []);
});

test('onProgress: a throwing or rejecting callback becomes one warning; the campaign goes on', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const warnings = [];
  const onWarning = (w) => warnings.push(w);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));

  const seen = [];
  const report = await client.createAiCalls(callsOf(10), {
    defaults: DEFAULTS,
    onProgress: (item) => {
      seen.push(item);
      if (item.index % 2) throw new Error(`progress bar broke at ${item.index}`);
    },
  });
  assert.equal(report.placed, 10);
  assert.deepEqual(seen.map((i) => i.index).sort((a, b) => a - b), [...Array(10).keys()]);
  assert.ok(seen.every((i) => i.status === 'placed' && i.sessionId));
  const rejected = await client.createAiCalls(callsOf(3).map((c, i) => ({ ...c, callee: callee(100 + i) })), {
    defaults: DEFAULTS,
    onProgress: async () => {
      throw new Error('async progress failed');
    },
  });
  assert.equal(rejected.placed, 3);
  await sleep(20); // warnings are emitted on the next tick
  const ours = warnings.filter((w) => w.code === 'CCC_AICALL_ON_PROGRESS');
  assert.equal(ours.length, 2, 'one warning per campaign');
  assert.match(ours[0].message, /progress bar broke/);
  assert.match(ours[1].message, /async progress failed/);
});

test('readCallsCsv: columns to parameters and variables, ready for createAiCalls', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const file = path.join(tmpdir(t), 'reminders.csv');
  fs.writeFileSync(
    file,
    '\ufeffcallee,name,vad_level,Languages,var.model\n+86 130 0000 0001,Li,2,zh;en,x\n008613000000002,,,,\n',
  );

  const calls = await readCallsCsv(file);
  assert.deepEqual(calls, [
    {
      callee: '+86 130 0000 0001',
      vadLevel: 2,
      languages: ['zh', 'en'],
      variables: [{ key: 'name', value: 'Li' }, { key: 'model', value: 'x' }],
    },
    { callee: '008613000000002' },
  ]);
  assert.deepEqual(await readCallsCsv(pathToFileURL(file)), calls);

  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const report = await client.createAiCalls(calls, { defaults: DEFAULTS });
  assert.equal(report.placed, 2);
  assert.equal(report.items[0].callee, '008613000000001', 'the callee as dialled');
  const body = emulator.calls().find((c) => c.body.Callee === '008613000000001').body;
  assert.deepEqual(body.Variables, [
    { Key: 'clinic', Value: 'North' }, { Key: 'name', Value: 'Li' }, { Key: 'model', Value: 'x' },
  ]);

  fs.writeFileSync(file, 'callee,name\n1,2,3\n');
  assert.ok((await reject(readCallsCsv(file))) instanceof ConfigurationError);
});

test('defaultCountryCode of the campaign: numbers written without one are sent with it, ' +
  'before the client\'s', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const calls = [{ callee: '130 0000 0001' }, { callee: '+86 130 0000 0002' }];

  const e = await reject(client.createAiCalls(calls, { defaults: DEFAULTS }));
  assert.ok(e instanceof ValidationError, String(e));
  assert.deepEqual(e.errors.map((p) => p.field), ['calls[0].callee']);
  assert.match(e.errors[0].message, /country code/);

  const report = await client.createAiCalls(calls, { defaults: DEFAULTS, defaultCountryCode: '+86' });
  assert.deepEqual(
    report.items.map((i) => [i.status, i.callee]),
    [['placed', '008613000000001'], ['placed', '008613000000002']],
  );
  assert.deepEqual(emulator.calls().map((c) => c.body.Callee).sort(), ['008613000000001', '008613000000002']);

  // The campaign's code wins over the client's.
  const american = new Client({ ...emulator.clientOptions(), rateLimit: 0, defaultCountryCode: '1' });
  const one = await american.createAiCalls([{ callee: '130 0000 0003' }], {
    defaults: DEFAULTS,
    defaultCountryCode: '86',
  });
  assert.equal(one.items[0].callee, '008613000000003');

  const refusals = [
    ['999', /`defaultCountryCode` must be a country calling code/],
    [86, /`defaultCountryCode` must be a string/],
  ];
  for (const [code, pattern] of refusals) {
    const bad = await reject(client.createAiCalls(calls, { defaults: DEFAULTS, defaultCountryCode: code }));
    assert.ok(bad instanceof ConfigurationError && pattern.test(bad.message), String(bad));
  }
  assert.equal(emulator.hits('CreateAICall'), 3);
});

test('items say when they were sent: an outcome-unknown one has sentAt and its error, on a re-run too', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const journal = path.join(tmpdir(t), 'sent.jsonl');
  emulator.inject({ kind: 'close_after_read' }); // the first call is placed, its answer lost
  const progress = [];
  const before = Date.now();
  const first = await client.createAiCalls(callsOf(3), {
    defaults: DEFAULTS,
    concurrency: 1,
    journal,
    onProgress: (i) => progress.push(i),
  });
  const after = Date.now();

  const [unknown, placed] = first.items;
  assert.equal(unknown.status, 'outcome_unknown');
  assert.equal(unknown.requestId, undefined, 'no answer, so no RequestId: callee, sentAt and error are what is known');
  assert.ok(unknown.error instanceof OutcomeUnknownError, String(unknown.error));
  for (const item of first.items) {
    assert.ok(item.sentAt instanceof Date, `item ${item.index}: ${item.sentAt}`);
    assert.ok(item.sentAt.getTime() >= before - 1 && item.sentAt.getTime() <= after + 1, item.sentAt.toISOString());
  }
  assert.ok(placed.sentAt >= unknown.sentAt);
  assert.ok(progress.every((i) => i.sentAt instanceof Date));

  const second = await client.createAiCalls(callsOf(4), { defaults: DEFAULTS, journal });
  assert.deepEqual(second.items.map((i) => i.status), ['unreconciled', 'already_placed', 'already_placed', 'placed']);
  const [unreconciled] = second.toReconcile;
  assert.equal(unreconciled.callee, unknown.callee);
  // The journal's send time is when its line went to disk, just before the request left.
  const earlier = (journalled, sent) => sent.getTime() - journalled.getTime();
  assert.ok(unreconciled.sentAt instanceof Date);
  assert.ok(earlier(unreconciled.sentAt, unknown.sentAt) >= 0 && earlier(unreconciled.sentAt, unknown.sentAt) < 1000);
  assert.ok(unreconciled.error instanceof OutcomeUnknownError, String(unreconciled.error));
  assert.ok(
    earlier(second.items[1].sentAt, placed.sentAt) >= 0 && earlier(second.items[1].sentAt, placed.sentAt) < 1000,
  );
  assert.ok(second.items[3].sentAt > after);
  const notSent = await client.createAiCalls(callsOf(1), { defaults: { ...DEFAULTS, vadLevel: 9 }, skipInvalid: true });
  assert.equal(notSent.items[0].sentAt, undefined, 'an item never sent has no sentAt');
});

test('onProgress items carry the core\'s counts: a re-run counts already_placed apart from placed', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const journal = path.join(tmpdir(t), 'counts.jsonl');
  const runWithProgress = async (n) => {
    const seen = [];
    const report = await client.createAiCalls(callsOf(n), {
      defaults: DEFAULTS,
      journal,
      onProgress: (i) => seen.push(i.progress),
    });
    return { report, seen };
  };
  await runWithProgress(3);
  const { report, seen } = await runWithProgress(5);
  assert.deepEqual(seen.map((p) => p.done), [1, 2, 3, 4, 5]);
  assert.ok(seen.every((p) => p.total === 5));
  const last = seen.at(-1);
  assert.equal(last.already_placed, 3);
  assert.equal(last.placed, 2, 'items placed by the earlier run are not counted as placed');
  assert.deepEqual(
    { ...last, done: undefined, total: undefined },
    { ...report.counts, done: undefined, total: undefined },
  );
  assert.equal(report.items[0].progress, undefined, 'the report has its own counts');
});

test('the module-level createAiCalls uses the default client from the environment', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const saved = { ...process.env };
  t.after(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });
  Object.assign(process.env, {
    TENCENTCLOUD_SECRET_ID: emulator.secretId,
    TENCENTCLOUD_SECRET_KEY: emulator.secretKey,
    CCC_AICALL_ENDPOINT: emulator.endpoint,
  });
  const report = await createAiCalls(callsOf(3), { defaults: DEFAULTS });
  assert.equal(report.placed, 3);
  assert.equal(emulator.calls().length, 3);
});

test('examples/campaign.mjs runs against the emulator, and its journal makes a second run send nothing', async (t) => {
  const emulator = await startEmulator();
  t.after(() => emulator.stop());
  // A project that installed the package: node_modules/ccc-aicall is this package.
  const project = tmpdir(t);
  fs.mkdirSync(path.join(project, 'node_modules'));
  fs.symlinkSync(path.resolve(__dirname, '..'), path.join(project, 'node_modules', 'ccc-aicall'), 'dir');
  const script = path.join(project, 'campaign.mjs');
  fs.copyFileSync(path.resolve(__dirname, '..', '..', 'examples', 'campaign.mjs'), script);
  fs.writeFileSync(
    path.join(project, 'reminders.csv'),
    'callee,name,time\n+86 130 0000 0001,Li,10:00\n008613000000002,Wang,10:30\n008613000000003,Zhao,11:00\n',
  );
  const env = {
    PATH: process.env.PATH,
    HOME: project,
    TENCENTCLOUD_SECRET_ID: emulator.secretId,
    TENCENTCLOUD_SECRET_KEY: emulator.secretKey,
    CCC_AICALL_ENDPOINT: emulator.endpoint,
  };
  const runExample = () => run(process.execPath, [script, 'reminders.csv'], { env, cwd: project, timeout: 30_000 });
  let { stdout } = await runExample();
  assert.match(stdout, /^3\/3 00861300000000[123] placed$/m);
  assert.match(stdout, /placed 3, failed 0, placed earlier 0/);
  assert.equal(emulator.calls().length, 3);
  assert.deepEqual(emulator.calls().find((c) => c.body.Callee === '008613000000001').body.Variables, [
    { Key: 'name', Value: 'Li' }, { Key: 'time', Value: '10:00' },
  ]);
  ({ stdout } = await runExample());
  assert.match(stdout, /placed 0, failed 0, placed earlier 3/);
  assert.equal(emulator.hits('CreateAICall'), 3);
});
