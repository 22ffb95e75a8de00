// The package loads as CommonJS and as ESM (one module, the same classes), and the quickstart example runs
// against the emulator.

import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esm from 'ccc-aicall';
import esmDefault, { Client, createAiCall, Emulator, CccError, ValidationError } from 'ccc-aicall';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

const EXPORTS = [
  'Client', 'createAiCall', 'createAiCalls', 'readCallsCsv', 'createPushHandler', 'Emulator', 'CallOutcome',
  'CampaignReport', 'version',
  'CccError', 'ValidationError', 'ConfigurationError', 'ApiError',
  'AuthenticationError', 'RateLimitError', 'InvalidRequestError', 'CallRejectedError', 'InternalServerError',
  'ApiConnectionError', 'ApiTimeoutError', 'OutcomeUnknownError', 'AbortError', 'CallNotLiveError',
  'WaitTimeoutError', 'IdempotencyKeyPendingError', 'StoreUnavailableError',
];

test('require and import give the same module', () => {
  const cjs = require('ccc-aicall');
  assert.deepEqual(Object.keys(cjs).sort(), [...EXPORTS].sort());
  assert.deepEqual(Object.keys(esm).filter((k) => k !== 'default').sort(), [...EXPORTS].sort());
  for (const name of EXPORTS) assert.equal(esm[name], cjs[name], name);
  assert.equal(esmDefault, cjs);
  assert.equal(Client, cjs.Client);
  assert.ok(new ValidationError('x') instanceof CccError);
});

test('the module-level createAiCall builds its client from the environment, once', async (t) => {
  const emulator = await Emulator.start({ rateLimit: 0 });
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
  const params = {
    sdkAppId: 1400000000, callee: '008613012345678', llmType: 'dify', apiKey: 'k', apiUrl: 'https://api.dify.ai/v1',
  };
  const { sessionId } = await createAiCall(params);
  assert.equal(emulator.calls()[0].sessionId, sessionId);
  process.env.CCC_AICALL_ENDPOINT = 'http://127.0.0.1:9';
  await createAiCall(params);
  assert.equal(emulator.calls().length, 2, 'the default client is built once');
});

test('examples/quickstart.mjs runs against the emulator', async (t) => {
  const emulator = await Emulator.start();
  t.after(() => emulator.stop());
  // A project that installed the package: node_modules/ccc-aicall is this package.
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-aicall-quickstart-'));
  t.after(() => fs.rmSync(project, { recursive: true, force: true }));
  fs.mkdirSync(path.join(project, 'node_modules'));
  fs.symlinkSync(path.resolve(here, '..'), path.join(project, 'node_modules', 'ccc-aicall'), 'dir');
  const script = path.join(project, 'quickstart.mjs');
  fs.copyFileSync(path.resolve(here, '..', '..', 'examples', 'quickstart.mjs'), script);
  const env = {
    PATH: process.env.PATH,
    HOME: project,
    TENCENTCLOUD_SECRET_ID: emulator.secretId,
    TENCENTCLOUD_SECRET_KEY: emulator.secretKey,
    CCC_AICALL_ENDPOINT: emulator.endpoint,
  };
  const { stdout } = await run(process.execPath, [script], { env, cwd: project, timeout: 30_000 });
  assert.match(stdout, /call placed: session \S+/);
  assert.match(stdout, /status: ringing/);
  assert.equal(emulator.calls().length, 1);
});
