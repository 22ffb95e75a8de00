'use strict';
// Campaigns that wait for their calls' outcomes, and resume with reconcile, against the real emulator.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { inspect } = require('node:util');

const { pkg, validParams, startEmulator } = require('./helpers');

let emulator;
let client;

test.before(async () => {
  emulator = await startEmulator({ rateLimit: 0, ringingMs: 50, talkingMs: 100 });
  client = new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0 });
});
test.after(() => emulator.stop());

test('with wait, every placed item gets its outcome, for a few batched record queries', async () => {
  const scripts = [
    ['+8613200000001', { talkMs: 50 }, 'answered'],
    ['+8613200000002', { endStatus: 206, ringMs: 0 }, 'busy'],
    ['+8613200000003', { endStatus: 202, ringMs: 30 }, 'not_answered'],
    ['+8613200000004', { endStatus: 206, ringMs: 0 }, 'busy'],
  ];
  for (const [to, script] of scripts) emulator.script(to, script);
  const cdrBefore = emulator.hits('DescribeTelCdr');
  const progressed = [];
  const report = await client.createAiCalls(
    scripts.map(([to]) => ({ callee: to })),
    {
      defaults: validParams(),
      wait: true,
      waitTimeoutMs: 20_000,
      extraction: false,
      onProgress: (item) => progressed.push(item),
    },
  );
  for (const [i, [, , status]] of scripts.entries()) {
    const { outcome } = report.items[i];
    assert.ok(outcome instanceof pkg.CallOutcome, `item ${i} has its outcome`);
    assert.equal(outcome.status, status);
    assert.equal(outcome.sessionId, report.items[i].sessionId);
  }
  assert.ok(report.items[0].outcome.transcript.length > 0, 'the answered call came with its transcript');
  assert.equal(report.requests.CreateAICall, 4);
  const cdr = report.requests.DescribeTelCdr;
  assert.equal(cdr, emulator.hits('DescribeTelCdr') - cdrBefore, 'the report counts what was sent');
  assert.ok(cdr >= 1 && cdr < 4, `batched: ${cdr} record queries for 4 calls`);
  assert.ok(progressed.some((item) => item.outcome instanceof pkg.CallOutcome), 'onProgress hears of outcomes');
  const shown = inspect(report);
  assert.match(shown, /^CampaignReport 4 items: placed 4/);
  assert.match(shown, /calls ended: answered 1, busy 2, not_answered 1/);
  assert.match(shown, /requests: CreateAICall 4, DescribeTelCdr \d+/);
  const data = JSON.parse(JSON.stringify(report));
  assert.equal(data.items[1].outcome.status, 'busy');
  assert.equal(data.requests.CreateAICall, 4);
});

test('a campaign resumed with reconcile dials only the items proven not placed', async (t) => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-node-reconcile-'));
  t.after(() => fs.rmSync(folder, { recursive: true, force: true }));
  const journal = path.join(folder, 'journal.jsonl');
  const [placed, lost] = ['+8613300000001', '+8613300000002'];
  emulator.script(placed, { endStatus: 202, ringMs: 0 });
  emulator.script(lost, { endStatus: 202, ringMs: 0 });
  const impatient = new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0, timeoutMs: 300 });
  const calls = [{ callee: placed }, { callee: lost }];
  const options = { defaults: validParams({ maxCallDurationMs: 1000 }), concurrency: 1, journal };
  // The first call is placed but its answer is late; the second never reaches the emulator's handler.
  emulator.inject({ kind: 'delay', phase: 'after_read', ms: 1500, action: 'CreateAICall' });
  emulator.inject({ kind: 'delay', phase: 'before_read', ms: 1500, action: 'CreateAICall' });
  const first = await impatient.createAiCalls(calls, options);
  assert.deepEqual(first.items.map((i) => i.status), ['outcome_unknown', 'outcome_unknown']);
  const countOf = (to) => emulator.calls().filter((c) => c.body.Callee === `00${to.slice(1)}`).length;
  assert.deepEqual([countOf(placed), countOf(lost)], [1, 0]);

  // Records have whole seconds: a second of skew keeps a call that started in the send's second.
  const windows = { maxRingMs: 0, recordDelayMs: 0, clockSkewMs: 1000 };
  const early = await client.createAiCalls(calls, { ...options, reconcile: true, reconcileOptions: windows });
  assert.equal(early.items[0].status, 'already_placed', String(early.items[0].error?.message));
  assert.equal(early.items[1].status, 'unreconciled', 'too early to tell: not dialled');
  assert.equal(countOf(lost), 0);

  await new Promise((resolve) => setTimeout(resolve, 1200));
  const late = await client.createAiCalls(calls, { ...options, reconcile: true, reconcileOptions: windows });
  assert.equal(late.items[1].status, 'placed', 'proven not placed, so dialled now');
  assert.deepEqual([countOf(placed), countOf(lost)], [1, 1], 'and nobody twice');
  assert.ok(late.requests.DescribeTelCdr >= 1);
});
