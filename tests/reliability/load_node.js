'use strict';
// One load phase through the Node package against a running emulator; prints its figures as JSON.
//
//   node --expose-gc load_node.js --endpoint http://127.0.0.1:PORT --calls 20000 --in-flight 500 [--ids-out FILE]
//
// One Client, N calls in flight, the client-side rate limiter off. File descriptors and sockets are counted after
// a first call on a throwaway client (so napi's runtime exists) and again once the load client is dropped and
// collected; RSS (after a garbage collection) at the start and after each tenth of the calls.

const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const { Client, CccError } = require(path.resolve(__dirname, '..', '..', 'node'));

// The emulator's documented test pair (not a secret).
const TEST = { secretId: 'AKIDccclocalemulatortestid00000000', secretKey: 'ccc-local-emulator-test-secret-key' };
const REQUEST = {
  sdkAppId: 1400000000,
  callee: '008613012345678',
  llmType: 'openai',
  apiKey: 'sk-load-not-a-secret',
  apiUrl: 'https://api.openai.com/v1/',
  systemPrompt: 'You are a polite assistant confirming an appointment.',
  model: 'gpt-4o-mini',
  voiceType: 'ZhiXi',
};

// RSS and open connections are sampled at the start and after each tenth of the calls.
const SAMPLES = 10;
const fds = () => fs.readdirSync('/proc/self/fd').length;
// RSS after a full collection (with --expose-gc), so that what is measured is what is still referenced.
const rssMb = () => {
  global.gc?.();
  return Math.round((process.memoryUsage().rss / 1048576) * 10) / 10;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** ESTABLISHED TCP connections of this process to `port` (/proc/net/tcp and tcp6, matched by socket inode). */
function establishedTo(port) {
  const mine = new Set();
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith('socket:[')) mine.add(target.slice(8, -1));
    } catch {
      // closed meanwhile
    }
  }
  let count = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'ascii').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const remotePort = parseInt(cols[2].split(':').pop(), 16);
      if (remotePort === port && cols[3] === '01' && mine.has(cols[9])) count += 1;
    }
  }
  return count;
}

/** Collect garbage until this process holds no connection to the emulator; returns what is left. */
async function settle(port, seconds = 15) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    global.gc?.();
    await sleep(100);
    const left = establishedTo(port);
    if (left === 0 || Date.now() > deadline) return left;
  }
}

async function drive(client, calls, inFlight, tally) {
  let next = 0;
  const worker = async () => {
    while (next++ < calls) {
      try {
        const { sessionId } = await client.createAiCall(REQUEST);
        if (tally.ids.write(sessionId, 16 * tally.count, 'hex') !== 16) {
          throw new Error(`not 32 hex digits: ${sessionId}`);
        }
        tally.count += 1;
      } catch (e) {
        const key = `${e?.name}: ${e?.message}`.slice(0, 200);
        tally.errors.set(key, (tally.errors.get(key) ?? 0) + 1);
        if (!(e instanceof CccError)) throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

async function main() {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      calls: { type: 'string', default: '20000' },
      'in-flight': { type: 'string', default: '500' },
      'ids-out': { type: 'string' },
    },
  });
  const endpoint = values.endpoint;
  const calls = Number(values.calls);
  const inFlight = Number(values['in-flight']);
  const port = Number(new URL(endpoint).port);
  const options = { ...TEST, endpoint, rateLimit: 0 };

  const baseline = (await new Client(options).createAiCall(REQUEST)).sessionId;
  await settle(port);
  const fdsBefore = fds();
  const samples = [rssMb()];
  const sockets = [establishedTo(port)];
  // Session ids, 16 bytes each in a buffer allocated up front, so that keeping them does not show in the RSS.
  const tally = { ids: Buffer.alloc(16 * calls), count: 0, errors: new Map() };
  const started = performance.now();
  let client = new Client(options);
  for (let i = 0; i < SAMPLES; i++) {
    await drive(client, Math.floor(calls / SAMPLES) + (i < calls % SAMPLES ? 1 : 0), inFlight, tally);
    samples.push(rssMb());
    sockets.push(establishedTo(port));
  }
  const duration = (performance.now() - started) / 1000;
  const fdsLoaded = fds();
  const socketsLoaded = establishedTo(port);
  client = null;
  const socketsAfter = await settle(port);
  const fdsAfter = fds();
  const ids = Array.from({ length: tally.count }, (_, i) => tally.ids.toString('hex', 16 * i, 16 * i + 16));
  if (values['ids-out']) fs.writeFileSync(values['ids-out'], `${[baseline, ...ids].join('\n')}\n`);
  const errors = [...tally.errors.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(
    `${JSON.stringify({
      language: 'node',
      phase: 'async',
      in_flight: inFlight,
      calls,
      baseline_calls: 1,
      succeeded: ids.length,
      errors,
      error_kinds: Object.fromEntries([...tally.errors.entries()].slice(0, 5)),
      distinct_session_ids: new Set(ids).size,
      duration_s: Math.round(duration * 100) / 100,
      calls_per_s: Math.round(calls / duration),
      fds_before: fdsBefore,
      fds_loaded: fdsLoaded,
      fds_after: fdsAfter,
      sockets_loaded: socketsLoaded,
      sockets_after: socketsAfter,
      rss_mb_start: samples[0],
      rss_mb_warm: samples[1],
      rss_mb_half: samples[SAMPLES / 2],
      rss_mb_end: samples[SAMPLES],
      rss_mb_samples: samples,
      sockets_samples: sockets,
      rss_measure: 'process.memoryUsage().rss after global.gc()',
      gc_exposed: typeof global.gc === 'function',
    })}\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exitCode = 1;
});
