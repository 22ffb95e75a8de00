'use strict';
// The shared invalid cases throw ValidationError naming every bad field in camelCase, and nothing is sent.

const test = require('node:test');
const assert = require('node:assert/strict');
const { inspect } = require('node:util');
const { pkg, CASES, recase, camelPath, validParams, startEmulator } = require('./helpers');
const { ValidationError, CccError } = pkg;

// `snake_key_in_wire_case` is about wire-case input: recased to camelCase its `llm_type` becomes a valid `llmType`.
const WIRE_CASE_ONLY = new Set(['snake_key_in_wire_case']);

test('every shared invalid case is a ValidationError with exactly its fields, and nothing is sent', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const cases = CASES.invalid.filter((c) => !WIRE_CASE_ONLY.has(c.name));
  assert.ok(cases.length >= 50);
  for (const c of cases) {
    const error = await client.createAiCall(recase(c.input)).then(
      () => assert.fail(`${c.name}: no error`),
      (e) => e,
    );
    assert.ok(error instanceof ValidationError && error instanceof CccError && error instanceof Error, c.name);
    assert.equal(error.kind, 'validation');
    assert.equal(error.outcomeUnknown, false);
    const fields = [...new Set(error.errors.map((e) => e.field))].sort();
    assert.deepEqual(fields, [...new Set(c.fields.map(camelPath))].sort(), c.name);
    for (const e of error.errors) assert.ok(e.message.length > 0, `${c.name}: empty message at ${e.field}`);
    const shown = `${error.message}\n${error.stack}\n${inspect(error, { depth: Infinity })}`;
    assert.ok(!shown.includes('s3cr3t'), `${c.name}: a secret leaked: ${shown}`);
  }
  assert.equal(emulator.hits(), 0, 'an invalid request reached the server');
});

test('an unknown property is named, with a did-you-mean', async () => {
  const client = new pkg.Client({ secretId: 'AKIDx', secretKey: 'k', endpoint: 'http://127.0.0.1:9' });
  const params = validParams({ sytemPrompt: 'typo' });
  const error = await client.createAiCall(params).catch((e) => e);
  assert.ok(error instanceof ValidationError);
  assert.deepEqual(error.errors.map((e) => e.field), ['sytemPrompt']);
  assert.match(error.errors[0].message, /did you mean `systemPrompt`/);
  assert.match(error.message, /sytemPrompt/);
});

test('a snake_case key is named as written', async () => {
  const client = new pkg.Client({ secretId: 'AKIDx', secretKey: 'k', endpoint: 'http://127.0.0.1:9' });
  const { llmType, ...rest } = validParams();
  const error = await client.createAiCall({ ...rest, llm_type: llmType }).catch((e) => e);
  assert.ok(
    error.errors.some((e) => e.field === 'llm_type' && /did you mean `llmType`/.test(e.message)),
    inspect(error.errors),
  );
});

test('nested objects take camelCase or the service\'s PascalCase; ' +
  'customTtsConfig an object or a JSON string', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const tts = {
    TTSType: 'azure',
    SubscriptionKey: 'az-key',
    Region: 'eastasia',
    VoiceName: 'zh-CN-XiaoxiaoNeural',
    Language: 'zh-CN',
  };
  const variants = [
    {
      transferItems: [{ transferFunctionName: 'f', transferFunctionDesc: 'd', transferSkillGroupId: 7 }],
      customTtsConfig: tts,
    },
    {
      transferItems: [{ TransferFunctionName: 'f', TransferFunctionDesc: 'd', TransferSkillGroupId: 7 }],
      customTtsConfig: JSON.stringify(tts),
    },
    {
      transferItems: [{ transferFunctionName: 'f', transferFunctionDesc: 'd', transferSkillGroupId: 7 }],
      customTtsConfig: {
        ttsType: 'azure',
        subscriptionKey: 'az-key',
        region: 'eastasia',
        voiceName: 'zh-CN-XiaoxiaoNeural',
        language: 'zh-CN',
      },
    },
  ];
  for (const v of variants) await client.createAiCall(validParams({ transferFunctionEnable: true, ...v }));
  const bodies = emulator.calls().map((c) => c.body);
  assert.equal(bodies.length, 3);
  for (const b of bodies) {
    assert.deepEqual(
      b.TransferItems,
      [{ TransferFunctionName: 'f', TransferFunctionDesc: 'd', TransferSkillGroupId: 7 }],
    );
    assert.deepEqual(JSON.parse(b.CustomTTSConfig), tts);
    assert.deepEqual(b, bodies[0]);
  }
});

test('params that are not an object are a ValidationError', async () => {
  const client = new pkg.Client({ secretId: 'AKIDx', secretKey: 'k', endpoint: 'http://127.0.0.1:9' });
  for (const bad of [undefined, null, 42, 'call me', [1, 2]]) {
    const error = await client.createAiCall(bad).catch((e) => e);
    assert.ok(error instanceof ValidationError, inspect(bad));
  }
});

test('values JSON cannot carry are a ValidationError naming the field, not a silent null', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const client = new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const deep = (levels) => {
    let value = {};
    for (let i = 0; i < levels; i++) value = { a: value };
    return value;
  };
  const circular = { name: 'x' };
  circular.self = circular;
  for (const [params, field, message] of [
    [{ temperature: NaN }, 'temperature', /finite number, not NaN/],
    [{ topP: Infinity }, 'topP', /finite number, not Infinity/],
    [{ ambientSoundVolume: -Infinity }, 'ambientSoundVolume', /finite number/],
    [{ toneWord: { firstSentenceTimeout: NaN } }, 'toneWord.firstSentenceTimeout', /finite number/],
    [{ extraParams: { FutureParam: [1, NaN] } }, 'extraParams.FutureParam[1]', /finite number/],
    [{ sdkAppId: 1400000000n }, 'sdkAppId', /BigInt/],
    [{ extraParams: { Loop: circular } }, 'extraParams.Loop.self', /refers to itself/],
    // Deeper than the core's bound on raw values, then deeper than it reads at all (and than V8's stack).
    [{ extraParams: { Deep: deep(40) } }, /^extraParams\.Deep(\.a)+$/, /nested more than 32 levels/],
    [{ extraParams: { Deep: deep(20000) } }, /^extraParams\.Deep(\.a)+$/, /nested more than 100 levels/],
  ]) {
    const error = await client.createAiCall(validParams(params)).catch((e) => e);
    assert.ok(error instanceof ValidationError, `${inspect(params).slice(0, 80)}: ${error}`);
    assert.equal(error.errors.length, 1, inspect(error.errors));
    if (typeof field === 'string') assert.equal(error.errors[0].field, field);
    else assert.match(error.errors[0].field, field);
    assert.match(error.errors[0].message, message);
    assert.match(error.stack, /validation\.test\.js/, 'the stack points at the caller');
  }
  // A campaign's calls and a client's options too.
  const campaign = await client.createAiCalls([{ callee: '+8613012345678' }, { temperature: NaN }]).catch((e) => e);
  assert.ok(campaign instanceof ValidationError);
  assert.equal(campaign.errors[0].field, 'calls[1].temperature');
  assert.throws(
    () => new pkg.Client({ ...emulator.clientOptions(), rateLimit: NaN }),
    (e) => e instanceof pkg.ConfigurationError && /rateLimit: must be a finite number/.test(e.message),
  );
  assert.equal(emulator.hits(), 0);
});

test('defaultCountryCode completes numbers written without a country code', async (t) => {
  const emulator = await startEmulator({ rateLimit: 0 });
  t.after(() => emulator.stop());
  const national = validParams({ callee: '130 1234 5678', callers: ['020 1234 5678'] });
  const plain = new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0 });
  const error = await plain.createAiCall(national).catch((e) => e);
  assert.ok(error instanceof ValidationError);
  assert.deepEqual(error.errors.map((e) => e.field), ['callee', 'callers[0]']);
  assert.match(error.errors[0].message, /has no country code/);
  assert.ok(!error.message.includes('1234'), error.message);
  assert.equal(emulator.hits(), 0);

  const china = new pkg.Client({ ...emulator.clientOptions(), rateLimit: 0, defaultCountryCode: '+86' });
  await china.createAiCall(national);
  const [placed] = emulator.calls();
  assert.equal(placed.body.Callee, '008613012345678');
  assert.deepEqual(placed.body.Callers, ['00862012345678']);
  for (const code of ['999', 86]) {
    assert.throws(
      () => new pkg.Client({ ...emulator.clientOptions(), defaultCountryCode: code }),
      (e) => e instanceof pkg.ConfigurationError && /defaultCountryCode/.test(e.message),
    );
  }
});
