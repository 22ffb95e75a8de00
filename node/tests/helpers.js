'use strict';
// Shared by the test files: the package under test, the shared request cases, key renaming.

const path = require('node:path');
const fs = require('node:fs');

const pkg = require('ccc-aicall');

const REPO = path.resolve(__dirname, '..', '..');
const CASES = JSON.parse(fs.readFileSync(path.join(REPO, 'tests', 'cases', 'requests.json'), 'utf8'));

// The core's renaming (field.rs): `LLMType` -> `llm_type` -> `llmType`, `ZHToneWords` -> `zhToneWords`.
function toSnake(wire) {
  let out = '';
  for (let i = 0; i < wire.length; i++) {
    const c = wire[i];
    if (/[A-Z]/.test(c) && i > 0) {
      const prev = wire[i - 1];
      const nextLower = /[a-z]/.test(wire[i + 1] ?? '');
      if (/[a-z0-9]/.test(prev) || (/[A-Z]/.test(prev) && nextLower)) out += '_';
    }
    out += c.toLowerCase();
  }
  return out;
}

function toCamel(wire) {
  return toSnake(wire).replace(/_(.)/g, (_, c) => c.toUpperCase());
}

// A wire path such as `TransferItems[0].TransferSkillGroupId` as a JavaScript caller spells it.
// The caller's own raw keys under `ExtraParams.` are reported as written, not renamed.
function camelPath(wirePath) {
  const [modelled, ...raw] = wirePath.split(/(?<=^ExtraParams\.|\.ExtraParams\.)/);
  const renamed = modelled.replace(/[A-Za-z0-9_-]+/g, (word) => (/^\d+$/.test(word) ? word : toCamel(word)));
  return renamed + raw.join('');
}

// Rename an input's keys the way a JavaScript caller writes them. Keys inside `ExtraParams` and `LLMExtraBody`
// are raw wire names and stay; JSON-string values are left alone (the same rule as core/tests/cases.rs).
function recase(value) {
  if (Array.isArray(value)) return value.map(recase);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [toCamel(k), k === 'ExtraParams' || k === 'LLMExtraBody' ? v : recase(v)]),
  );
}

/** A valid request, camelCase, with distinctive secrets. */
function validParams(overrides = {}) {
  return {
    sdkAppId: 1400000000,
    callee: '008613012345678',
    llmType: 'openai',
    apiKey: 'sk-s3cr3t-node-api-key',
    apiUrl: 'https://api.openai.com/v1/',
    systemPrompt: 'You are a friendly assistant.',
    model: 'gpt-4o-mini',
    ...overrides,
  };
}

async function startEmulator(options) {
  const emulator = await pkg.Emulator.start(options);
  return emulator;
}

module.exports = { pkg, CASES, REPO, toCamel, camelPath, recase, validParams, startEmulator };
