'use strict';
// Named campaigns (`createAiCalls(calls, { campaign })`) through the Node binding: workers in separate processes
// share the campaign's journal in a real redis-server, so every item is dialled at most once, whoever runs it,
// however often, and whatever happens to a worker; `campaignStatus` reads it from any process.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { pkg, startEmulator } = require('./helpers');
const { RedisServer } = require('./redis_server');
const { child, go, start } = require('./child');
const { Client, ConfigurationError, StoreUnavailableError } = pkg;

const PACKAGE = path.resolve(__dirname, '..');
const reject = (promise) => promise.then(() => assert.fail('expected a rejection'), (e) => e);

const DEFAULTS = {
  sdkAppId: 1400000000,
  llmType: 'openai',
  apiKey: 'sk-zq9-UNIQUE-CAMPAIGN-KEY',
  apiUrl: 'https://api.openai.com/v1/',
  systemPrompt: 'Remind the patient of the appointment.',
  model: 'gpt-4o-mini',
};
const callee = (i) => `0086132${String(i).padStart(8, '0')}`;
const callsOf = (n) => Array.from({ length: n }, (_, i) => ({ callee: callee(i) }));

// How often the emulator placed each callee.
function dialled(emulator) {
  const counts = new Map();
  for (const call of emulator.calls()) counts.set(call.body.Callee, (counts.get(call.body.Callee) ?? 0) + 1);
  return counts;
}

function assertNobodyTwice(emulator, n) {
  const counts = dialled(emulator);
  assert.equal(counts.size, n, 'every item dialled');
  for (const [number, times] of counts) assert.equal(times, 1, `${number} was dialled ${times} times`);
}

// A worker: runs the list under the campaign's name once the parent says go, and prints each item's status.
const WORKER = `
  const { Client } = require(${JSON.stringify(PACKAGE)});
  const [options, calls, campaign] = JSON.parse(process.argv[1]);
  const client = new Client(options);
  console.log('ready');
  process.stdin.once('data', async () => {
    const report = await client.createAiCalls(calls, campaign);
    console.log(JSON.stringify({ statuses: report.items.map((i) => i.status), counts: report.counts }));
    process.stdin.destroy();
  });`;

test('three worker processes on one named list dial each item once', async (t) => {
  const redis = await RedisServer.start(t);
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const n = 30;
  // Answers take a little while, so that the workers overlap for the whole list.
  emulator.inject({ kind: 'delay', phase: 'after_read', ms: 50, times: n });
  const options = { ...emulator.clientOptions(), redisUrl: redis.url, rateLimit: 0 };
  const campaign = { campaign: 'reminders-2026-12', defaults: DEFAULTS, concurrency: 4 };
  const reports = await go([0, 1, 2].map(() => child(WORKER, [options, callsOf(n), campaign])));
  assertNobodyTwice(emulator, n);
  assert.equal(emulator.hits('CreateAICall'), n, 'no worker sent an item another had claimed');
  assert.equal(reports.reduce((sum, r) => sum + r.counts.placed, 0), n, 'each item placed by exactly one worker');
  for (const r of reports) {
    for (const status of r.statuses) assert.ok(['placed', 'already_placed', 'claimed_elsewhere'].includes(status));
  }
  t.diagnostic(`placed per worker: ${reports.map((r) => r.counts.placed).join(', ')}`);

  // A later worker (this process) finds everything placed and sends nothing.
  const client = new Client(options);
  const again = await client.createAiCalls(callsOf(n), campaign);
  assert.equal(again.counts.already_placed, n);
  assert.ok(again.items.every((item) => item.sessionId && item.status === 'already_placed'));
  assert.equal(emulator.hits('CreateAICall'), n);

  // Any process reads the campaign's state.
  const status = await client.campaignStatus('reminders-2026-12');
  assert.equal(status.name, 'reminders-2026-12');
  assert.deepEqual(status.counts, { placed: n, sending: 0, outcome_unknown: 0, failed: 0, retryable: 0 });
  assert.deepEqual(status.items.map((i) => i.index), [...Array(n).keys()]);
  const sessions = new Map(emulator.calls().map((c) => [c.body.Callee, c.sessionId]));
  for (const item of status.items) {
    assert.equal(item.state, 'placed');
    assert.equal(item.key, `${callee(item.index)}#1`); // the first occurrence of the number in the list
    assert.equal(item.sessionId, sessions.get(callee(item.index)));
    assert.equal(item.error, undefined);
  }
  assert.deepEqual((await client.campaignStatus('never-run')).items, []);

  // What the workers left in Redis: hashed names, no secret, no LLM key.
  const text = JSON.stringify(await redis.dump());
  for (const secret of [DEFAULTS.apiKey, emulator.secretKey, emulator.secretId, 'reminders-2026-12']) {
    assert.ok(!text.includes(secret), `Redis holds ${secret}`);
  }
});

test('a worker SIGKILLed mid-call: its item is claimed_elsewhere to the finisher, nobody twice', async (t) => {
  const redis = await RedisServer.start(t);
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  emulator.script('*', { ringMs: 0, endStatus: 202 }); // each call over at once: its record is there to find
  const n = 8;
  // Every answer comes 400 ms after the call was placed: the worker is always mid-call when it is killed.
  emulator.inject({ kind: 'delay', phase: 'after_read', ms: 400, times: n });
  const options = { ...emulator.clientOptions(), redisUrl: redis.url, rateLimit: 0 };
  const campaign = { campaign: 'killed', defaults: DEFAULTS, concurrency: 1 };
  const worker = child(WORKER, [options, callsOf(n), campaign]);
  t.after(() => worker.proc.kill('SIGKILL'));
  await start([worker]);
  const deadline = Date.now() + 60_000;
  while (emulator.calls().length < 3) {
    assert.ok(Date.now() < deadline, 'the worker placed no calls');
    assert.equal(worker.proc.exitCode, null, 'the worker ended before it was killed');
    await sleep(10);
  }
  const exited = new Promise((resolve) => worker.proc.once('exit', resolve));
  worker.proc.kill('SIGKILL'); // no cleanup, no last journal write
  await exited;
  const placedByKilled = emulator.calls().length;

  const finisher = new Client(options);
  let status = await finisher.campaignStatus('killed');
  assert.equal(status.counts.sending, 1, `the call in flight when it was killed: ${JSON.stringify(status)}`);
  assert.equal(status.counts.placed, placedByKilled - 1);
  const inFlight = status.items.find((i) => i.state === 'sending').index;
  assert.equal(emulator.calls().at(-1).body.Callee, callee(inFlight), 'the item sending is the call it placed last');

  // Another worker finishes the list: it dials the rest, and not the item the killed one may have placed.
  const report = await finisher.createAiCalls(callsOf(n), { ...campaign, concurrency: 2 });
  const elsewhere = report.items[inFlight];
  assert.equal(elsewhere.status, 'claimed_elsewhere');
  assert.deepEqual([elsewhere.attempts, elsewhere.outcomeUnknown, elsewhere.sessionId], [0, false, undefined]);
  assert.ok(elsewhere.sentAt instanceof Date, 'when the killed worker sent it');
  assert.equal(report.counts.claimed_elsewhere, 1);
  assert.equal(report.counts.already_placed, placedByKilled - 1);
  assert.equal(report.placed, n - placedByKilled);
  assertNobodyTwice(emulator, n);
  status = await finisher.campaignStatus('killed');
  assert.deepEqual([status.counts.placed, status.counts.sending], [n - 1, 1]);
  assert.equal(status.items.find((i) => i.state === 'sending').index, inFlight);

  // A run with `reconcile` looks the killed worker's last call up, finds it, and records it placed for everyone.
  const reconciled = await finisher.createAiCalls(callsOf(n), { ...campaign, reconcile: true });
  assert.equal(reconciled.items[inFlight].status, 'already_placed', JSON.stringify(reconciled.items[inFlight]));
  assert.equal(reconciled.items[inFlight].sessionId, emulator.calls()[placedByKilled - 1].sessionId);
  assert.equal(reconciled.counts.already_placed, n);
  assert.equal(emulator.calls().length, n, 'found, not redialled');
  status = await finisher.campaignStatus('killed');
  assert.equal(status.counts.placed, n);
});

test('a journal and a name together are refused, and so is a bad name; nothing is sent', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new Client(emulator.clientOptions()); // without Redis: the name is kept by this process
  const journal = path.join(__dirname, 'never-written.jsonl');
  const both = await reject(client.createAiCalls(callsOf(1), { defaults: DEFAULTS, campaign: 'both', journal }));
  assert.ok(both instanceof ConfigurationError, String(both));
  assert.match(both.message, /`journal`.*`campaign`.*not both/);
  for (const campaign of [' ', 'x'.repeat(201), 'a\nb']) {
    const e = await reject(client.createAiCalls(callsOf(1), { defaults: DEFAULTS, campaign }));
    assert.ok(e instanceof ConfigurationError, String(e));
    assert.match(e.message, /`campaign` must be a name/);
  }
  const e = await reject(client.createAiCalls(callsOf(1), { defaults: DEFAULTS, campaign: 7 }));
  assert.match(e.message, /`campaign` must be a name \(a string\); got 7/);
  const misspelt = await reject(client.createAiCalls(callsOf(1), { defaults: DEFAULTS, campagin: 'x' }));
  assert.match(misspelt.message, /did you mean `campaign`/);
  for (const name of [7, undefined, ' ']) {
    const bad = await reject(client.campaignStatus(name));
    assert.ok(bad instanceof ConfigurationError, `${name}: ${bad}`);
  }
  assert.equal(emulator.hits(), 0);

  // Without Redis, two clients of this process share the name.
  const first = await client.createAiCalls(callsOf(2), { defaults: DEFAULTS, campaign: 'in-process' });
  const second = await new Client(emulator.clientOptions()).createAiCalls(callsOf(2), {
    defaults: DEFAULTS,
    campaign: 'in-process',
  });
  assert.deepEqual([first.placed, second.counts.already_placed], [2, 2]);
  assert.equal((await client.campaignStatus('in-process')).counts.placed, 2);
});

test('with Redis down a named campaign sends nothing; after a restart it runs', async (t) => {
  const redis = await RedisServer.start(t);
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  // storeFallbackLocal covers the rate limiter only: a campaign's claims are never made in a process's memory.
  const client = new Client({ ...emulator.clientOptions(), redisUrl: redis.url, storeFallbackLocal: true });
  await redis.stop();
  const campaign = { campaign: 'down', defaults: DEFAULTS };
  const e = await reject(client.createAiCalls(callsOf(3), campaign));
  assert.ok(e instanceof StoreUnavailableError, String(e));
  assert.equal(e.outcomeUnknown, false);
  assert.ok(await reject(client.campaignStatus('down')) instanceof StoreUnavailableError);
  assert.equal(emulator.hits(), 0, 'nothing was sent');
  await redis.restart();
  const report = await client.createAiCalls(callsOf(3), campaign);
  assert.equal(report.placed, 3);
  assert.equal((await client.campaignStatus('down')).counts.placed, 3);
});
