'use strict';
// The shared fault matrix (tests/cases/fault_matrix.json) through the Node package. Used by
// fault_matrix.test.js (the emulator's test pair) and, in a child process with CCC_AICALL_LOG=debug, by
// fault_matrix_leaks.test.js (secrets in every secret field). One fresh client per row, so that no pooled
// connection carries over.

const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { inspect } = require('node:util');
const { pkg, REPO, toCamel } = require('./helpers');

const MATRIX = JSON.parse(fs.readFileSync(path.join(REPO, 'tests', 'cases', 'fault_matrix.json'), 'utf8'));
const REPORTS = path.join(REPO, 'target', 'reliability');

/** The leak check's distinctive strings, in every secret field. */
function leakSecrets() {
  const l = MATRIX.leak_check;
  return {
    secretId: l.secret_id,
    secretKey: l.secret_key,
    token: l.token,
    wrongSecretKey: l.wrong_secret_key,
    apiKey: l.api_key,
    tts: l.tts,
  };
}

function requestFor(index, secrets) {
  const wire = { ...MATRIX.request };
  if (secrets.apiKey) wire.APIKey = secrets.apiKey;
  if (secrets.tts?.length) {
    delete wire.VoiceType;
    wire.CustomTTSConfig = secrets.tts[index % secrets.tts.length];
  }
  return Object.fromEntries(Object.entries(wire).map(([k, v]) => [toCamel(k), v]));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function textsOf(value) {
  const texts = [
    String(value),
    inspect(value),
    inspect(value, { depth: Infinity, showHidden: true }),
    JSON.stringify(value) ?? '',
  ];
  if (value instanceof Error) texts.push(value.message, value.stack ?? '');
  return texts;
}

/** Run every row in order; returns the measured rows and every text a person could be shown. */
async function run(secrets = null) {
  const credentials = secrets
    ? [{ secretId: secrets.secretId, secretKey: secrets.secretKey, token: secrets.token }]
    : undefined;
  const plain = await pkg.Emulator.start({ rateLimit: 0, credentials });
  const tls = await pkg.Emulator.start({ rateLimit: 0, credentials, tls: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-fault-matrix-'));
  const caFile = path.join(tmp, 'ca.pem');
  fs.writeFileSync(caFile, tls.caPem);
  const rows = [];
  const texts = [];
  try {
    for (const [index, row] of MATRIX.rows.entries()) {
      const { provoke } = row;
      const emu = provoke.kind === 'tls' ? tls : plain;
      emu.reset();
      emu.setClockOffset(provoke.clock_offset ?? 0);
      for (const fault of provoke.faults ?? []) emu.inject(fault);
      const endpoint = {
        emulator: () => emu.endpoint,
        tls: () => emu.endpoint,
        refused: async () => `http://127.0.0.1:${await freePort()}`,
        dns: () => 'http://ccc-aicall-fault-matrix.invalid:8080',
      }[provoke.kind];
      const opts = { ...MATRIX.client_defaults, ...row.client };
      const options = {
        secretId: emu.secretId,
        secretKey: provoke.wrong_secret_key ? (secrets?.wrongSecretKey ?? 'not-the-emulator-key') : emu.secretKey,
        token: secrets?.token,
        endpoint: await endpoint(),
        maxRetries: opts.max_retries,
        rateLimit: opts.rate_limit,
        timeoutMs: opts.timeout_ms,
        connectTimeoutMs: opts.connect_timeout_ms,
        caFile: provoke.trust_ca ? caFile : undefined,
      };
      const client = new pkg.Client(options);
      const request = requestFor(index, secrets ?? {});
      const calls = row.calls ?? 1;
      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: calls }, () => client.createAiCall(request).catch((e) => e)),
      );
      const duration = performance.now() - started;
      if (provoke.settle_ms) await sleep(Math.max(0, provoke.settle_ms - (performance.now() - started)));
      texts.push(...textsOf(client));
      for (const r of results) texts.push(...textsOf(r));
      const errors = results.filter((r) => r instanceof Error);
      const first = errors[0];
      const counted = provoke.kind === 'emulator' || provoke.kind === 'tls' ? emu : plain;
      rows.push({
        id: row.id,
        calls,
        error: first ? first.name : null,
        code: first?.code ?? null,
        outcome_unknown: first ? first.outcomeUnknown : null,
        http_status: first?.httpStatus ?? null,
        succeeded: results.length - errors.length,
        placed: counted.calls().length,
        hits: counted.hits(),
        duration_ms: Math.round(duration),
      });
      emu.setClockOffset(0);
    }
  } finally {
    await plain.stop();
    await tls.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { rows, texts };
}

/** Every way a measured row differs from its expectation, the invariant placed <= calls first. */
function problems(rows, lang = 'node') {
  const out = [];
  MATRIX.rows.forEach((row, i) => {
    const got = rows[i];
    const { expect } = row;
    if (got.placed > got.calls) out.push(`${row.id}: INVARIANT BROKEN: placed ${got.placed} > calls ${got.calls}`);
    const checks = [
      ['error', expect.error ? expect.error[lang] : null, got.error],
      ['outcome_unknown', expect.outcome_unknown, got.outcome_unknown],
      ['placed', expect.placed, got.placed],
      ['hits', expect.hits, got.hits],
    ];
    if (expect.code != null) checks.push(['code', expect.code, got.code]);
    if (expect.http_status != null) checks.push(['http_status', expect.http_status, got.http_status]);
    if (expect.error == null) checks.push(['succeeded', row.calls, got.succeeded]);
    for (const [what, want, have] of checks) {
      if (want !== have) out.push(`${row.id}: ${what} expected ${JSON.stringify(want)}, got ${JSON.stringify(have)}`);
    }
  });
  return out;
}

/** `target/reliability/<name>.json` at the repository's root, for tests/reliability/report.py. */
function writeReport(name, value) {
  fs.mkdirSync(REPORTS, { recursive: true });
  fs.writeFileSync(path.join(REPORTS, `${name}.json`), `${JSON.stringify(value, null, 2)}\n`);
}

module.exports = { MATRIX, leakSecrets, run, problems, writeReport };
