// Compiled with `tsc --noEmit` (tests/tsconfig.json): the declarations cover what the package exports, accept
// what the core accepts and refuse what it refuses. `@ts-expect-error` lines must fail to compile.

import { createServer } from 'node:http';
import {
  AbortError,
  ApiConnectionError,
  ApiError,
  ApiTimeoutError,
  AuthenticationError,
  CallNotLiveError,
  CallOutcome,
  CallRejectedError,
  CampaignReport,
  CccError,
  Client,
  ConfigurationError,
  IdempotencyKeyPendingError,
  StoreUnavailableError,
  createAiCall,
  createAiCalls,
  createPushHandler,
  Emulator,
  InternalServerError,
  InvalidRequestError,
  OutcomeUnknownError,
  RateLimitError,
  readCallsCsv,
  ValidationError,
  WaitTimeoutError,
  type CallLike,
  type CallState,
  type CallStatus,
  type ExtractedValue,
  type LiveStatus,
  type Reconciled,
  type Turn,
  type WaitOptions,
  type ActionResponse,
  type AiCallResult,
  type CampaignCall,
  type CampaignItem,
  type CampaignOptions,
  type CampaignStatus,
  type CreateAiCallOptions,
  type SharedItem,
  type SharedItemState,
  type CreateAiCallParams,
  type CustomTtsConfig,
  type EmulatorPush,
  type EmulatorPushConfig,
  type ErrorKind,
  type Fault,
  type FileError,
  type ItemStatus,
  type PlacedCall,
  type PushEvent,
  type ResolvedClientConfig,
} from 'ccc-aicall';

async function everything(): Promise<void> {
  const emulator: Emulator = await Emulator.start({
    rateLimit: 0,
    clockOffsetSecs: 0,
    credentials: [{ secretId: 'a', secretKey: 'b' }],
  });
  const client = new Client({
    ...emulator.clientOptions(),
    token: 't',
    region: 'ap-singapore',
    language: 'zh-CN',
    timeoutMs: 30_000,
    connectTimeoutMs: 5_000,
    maxRetries: 2,
    rateLimit: 20,
    proxy: 'http://127.0.0.1:3128',
    caFile: '/etc/ssl/certs/ca-certificates.crt',
    defaultCountryCode: '86',
    redisUrl: 'redis://:password@127.0.0.1:6379/0',
    storeFallbackLocal: false,
    idempotencyTtlMs: 86_400_000,
  });
  const config: ResolvedClientConfig = client.config;
  const endpoint: string = config.endpoint;
  const store: [string | null, boolean, number] = [config.redisUrl, config.storeFallbackLocal, config.idempotencyTtlMs];

  const tts: CustomTtsConfig = {
    TTSType: 'tencent',
    AppId: '1300000000',
    SecretId: 'id',
    SecretKey: 'key',
    VoiceType: 101001,
    Speed: 1.25,
  };
  const params: CreateAiCallParams = {
    sdkAppId: 1400000000,
    callee: '008613012345678',
    llmType: 'openai',
    apiKey: 'sk-...',
    apiUrl: 'https://api.openai.com/v1/',
    systemPrompt: 'You are a friendly assistant.',
    model: 'gpt-4o-mini',
    callers: ['0085212345678'],
    welcomeMessage: 'Hello',
    welcomeType: 0,
    welcomeMessagePriority: 2,
    maxDuration: 60_000,
    languages: ['zh', 'en'],
    interruptMode: 0,
    interruptSpeechDuration: 500,
    endFunctionEnable: true,
    endFunctionDesc: 'Say goodbye',
    transferFunctionEnable: true,
    transferItems: [
      { transferFunctionName: 'to_nurse', transferFunctionDesc: 'nurse', transferSkillGroupId: 101 },
      { TransferFunctionName: 'to_billing', TransferFunctionDesc: 'billing', TransferSkillGroupId: 102 },
    ],
    transferToAgentEnable: true,
    transferToAgentItems: [{ transferToAgentName: 'a', transferToAgentDesc: 'b', transferToAgentId: 9001 }],
    notifyDuration: 10,
    notifyMessage: 'Are you there?',
    notifyMaxCount: 3,
    customTtsConfig: tts,
    promptVariables: [{ key: 'name', value: 'Xiaoming' }],
    vadSilenceTime: 1000,
    extractConfig: [{ infoType: 'Selector', infoName: 'intent', choices: ['yes', 'no'] }],
    temperature: 0.7,
    variables: [{ Key: 'welcome-message-delay', Value: '1' }],
    topP: 0.9,
    vadLevel: 2,
    toneWord: { firstSentenceTimeout: 1.5, zhToneWords: { neutral: ['嗯'] } },
    enableComplianceAudio: true,
    enableVoicemailDetection: true,
    voicemailAction: 0,
    llmExtraBody: { max_tokens: 256 },
    maxCallDurationMs: 600_000,
    maxRingTimeoutSecond: 30,
    ambientSoundType: 'coffee_shops',
    ambientSoundVolume: 1,
    acquireTimeoutSecond: 5,
    customSttConfig: '{}',
    extraParams: { FutureParam: 1 },
  };
  const controller = new AbortController();
  const placed: AiCallResult = await client.createAiCall(params, { signal: controller.signal });
  const sessionId: string = placed.sessionId;
  const callOptions: CreateAiCallOptions = { idempotencyKey: 'appt-123', signal: controller.signal };
  const again: AiCallResult = await client.createAiCall(params, callOptions);
  const replayed: boolean = again.replayed;
  await createAiCall(params, { idempotencyKey: 'appt-124' });
  const answer: ActionResponse =
    await client.request('DescribeTelSession', { SdkAppId: 1400000000, SessionId: sessionId });
  const requestId: string = answer.RequestId;
  await createAiCall({ ...params, customTtsConfig: JSON.stringify(tts) }, { signal: AbortSignal.timeout(1000) });
  await createAiCall({ ...params, voiceType: 'ZhiXi', customTtsConfig: undefined });
  await createAiCall({
    ...params,
    customTtsConfig: { ttsType: 'azure', subscriptionKey: 'k', region: 'r', voiceName: 'v', language: 'zh-CN' },
  });

  const fault: Fault = { kind: 'delay', phase: 'after_read', ms: 2000, action: 'CreateAICall', times: 1 };
  emulator.inject(fault);
  emulator.inject({ kind: 'error', code: 'InternalError' });
  emulator.inject({ kind: 'http_status', status: 502 });
  const calls: PlacedCall[] = emulator.calls();
  const hits: number = emulator.hits('CreateAICall') + emulator.hits();
  emulator.setRateLimit(20);
  emulator.setClockOffset(0);
  emulator.reset();
  await emulator.stop();
  void [endpoint, requestId, calls, hits, store, replayed];
}

async function campaigns(client: Client): Promise<void> {
  const fromCsv: CampaignCall[] = await readCallsCsv('calls.csv');
  await readCallsCsv(new URL('file:///tmp/calls.csv'));
  const calls: CampaignCall[] = [
    ...fromCsv,
    { callee: '008613012345678', variables: [{ key: 'name', value: 'Li' }] },
    { callee: '008613012345679', systemPrompt: 'A different prompt for this one.' },
  ];
  const controller = new AbortController();
  const options: CampaignOptions = {
    defaults: {
      sdkAppId: 1400000000,
      llmType: 'openai',
      apiKey: 'sk-...',
      apiUrl: 'https://api.openai.com/v1/',
      model: 'gpt-4o-mini',
    },
    concurrency: 4,
    journal: 'reminders.jsonl',
    skipInvalid: true,
    refusedRetries: 5,
    defaultCountryCode: '+86',
    onProgress: (item: CampaignItem) =>
      console.log(item.index, item.status, item.progress?.done, item.progress?.already_placed),
    signal: controller.signal,
  };
  const report: CampaignReport = await client.createAiCalls(calls, options);
  const counts: number = report.placed + report.failed + report.outcomeUnknown + report.counts.already_placed;
  for (const item of report.toReconcile) {
    const status: ItemStatus = item.status;
    const unknown: boolean = item.outcomeUnknown;
    const error: CccError | undefined = item.error;
    const ids: [string | undefined, string | undefined] = [item.sessionId, item.requestId];
    const sentAt: string = item.sentAt?.toISOString() ?? 'never sent';
    void [status, unknown, error?.code, ids, item.index, item.callee, item.attempts, sentAt];
  }
  const stoppedBy: CccError | FileError | undefined = report.stoppedBy;
  if (stoppedBy !== undefined && !(stoppedBy instanceof CccError)) {
    const file: [string, number, string | undefined, string | undefined] =
      [stoppedBy.code, stoppedBy.errno, stoppedBy.syscall, stoppedBy.path];
    void file;
  }
  await createAiCalls(calls, { defaults: options.defaults, onProgress: async () => {} });
  await createAiCalls([{ callee: '008613012345678' }]);
  const shared: CampaignReport = await client.createAiCalls(calls, { campaign: 'reminders-2026-12', concurrency: 1 });
  const elsewhere: number = shared.counts.claimed_elsewhere;
  const claimed: boolean = shared.items.some((item) => item.status === 'claimed_elsewhere');
  const status: CampaignStatus = await client.campaignStatus('reminders-2026-12');
  const items: SharedItem[] = status.items;
  for (const item of items) {
    const state: SharedItemState = item.state;
    const found: [number, string, string | undefined, string | undefined] =
      [item.index, item.key, item.sessionId, item.error];
    void [state, found];
  }
  const sending: number = status.counts.sending + status.counts.placed + status.counts.retryable;
  void [counts, stoppedBy, elsewhere, claimed, status.name, sending];
}

async function afterThePlacing(client: Client, placed: AiCallResult): Promise<void> {
  const [app, callee, at]: [number, string, Date] = [placed.sdkAppId, placed.callee, placed.placedAt];
  const options: WaitOptions = { timeoutMs: 60_000, transcript: true, extraction: false, pollIntervalMs: 500 };
  const outcome: CallOutcome = await client.waitForCall(placed, { ...options, signal: AbortSignal.timeout(1000) });
  const status: CallStatus = outcome.status;
  const durations: [number | null, number | null] = [outcome.ringDurationMs, outcome.talkDurationMs];
  const turns: Turn[] = outcome.transcript ?? [];
  const lines: string[] = turns.map((t) => `${t.role}: ${t.text} ${t.start?.toISOString()}`);
  const extracted: ExtractedValue | undefined = outcome.extracted?.['interested'];
  const missing: boolean = outcome.missing.includes('transcript');
  const ended: Date | null = outcome.endedAt;
  const isOutcome: boolean = outcome instanceof CallOutcome;
  const bySession: CallLike = placed.sessionId;
  const state: CallState = await client.getCall(bySession, { sdkAppId: app });
  const live: LiveStatus = state.status;
  await client.say(placed, 'One more thing.', { interrupt: false, stopAfterPlay: true, addHistory: true });
  await client.transfer(placed, 7);
  await client.hangUp(placed);
  const found: CallOutcome[] = await client.findCalls(callee, { sdkAppId: app, since: at, until: Date.now() });
  try {
    await client.createAiCall({ sdkAppId: app, callee, llmType: 'openai', apiKey: 'k', apiUrl: 'https://x' });
  } catch (error) {
    if (error instanceof OutcomeUnknownError) {
      const sent: [number | undefined, string | undefined, Date | undefined] =
        [error.sdkAppId, error.callee, error.sentAt];
      const settled: Reconciled = await client.reconcile(error, { maxRingMs: 1000, recordDelayMs: 0, clockSkewMs: 0 });
      const retry: number | null = settled.retryAfterMs;
      if (settled.verdict === 'placed') void settled.calls[0].sessionId;
      void [sent, retry];
    }
  }
  const report: CampaignReport = await client.createAiCalls([{ callee }], {
    wait: true,
    waitTimeoutMs: 60_000,
    transcript: true,
    extraction: false,
    reconcile: true,
    reconcileOptions: { maxRingMs: 60_000 },
    journal: 'calls.jsonl',
  });
  const isReport: boolean = report instanceof CampaignReport;
  const endings: CallStatus[] = report.items.flatMap((item) => (item.outcome ? [item.outcome.status] : []));
  const spent: number = report.requests['DescribeTelCdr'] ?? 0;
  const collectionStopped: CccError | undefined = report.waitError;
  void [endings, spent, collectionStopped];
  void [status, durations, lines, extracted, missing, ended, isOutcome, live, found, isReport];
}

function handle(error: unknown): string {
  if (error instanceof ValidationError) return error.errors.map((e) => `${e.field}: ${e.message}`).join('\n');
  if (error instanceof AuthenticationError || error instanceof RateLimitError || error instanceof InvalidRequestError) {
    return error.code;
  }
  if (error instanceof CallNotLiveError) return `${error.kind} ${error.code}`;
  if (error instanceof WaitTimeoutError) return `${error.sessionId} ${error.lastStatus}`;
  if (error instanceof CallRejectedError || error instanceof InternalServerError) {
    return `${error.code} ${error.requestId}`;
  }
  if (error instanceof ApiError) return error.requestId;
  if (error instanceof ApiTimeoutError || error instanceof ApiConnectionError) return error.message;
  if (error instanceof IdempotencyKeyPendingError) return `${error.idempotencyKey} ${error.inFlight} ${error.callee}`;
  if (error instanceof StoreUnavailableError) return `${error.kind} ${error.outcomeUnknown}`;
  if (error instanceof OutcomeUnknownError) return String(error.timedOut);
  if (error instanceof AbortError) return error.code;
  if (error instanceof ConfigurationError) return error.message;
  if (error instanceof Error && (error as FileError).code === 'ENOENT') return (error as FileError).path ?? '';
  if (error instanceof CccError) {
    const kind: ErrorKind = error.kind;
    const unknown: boolean = error.outcomeUnknown;
    const status: number | undefined = error.httpStatus;
    return `${kind} ${unknown} ${status}`;
  }
  return 'other';
}

function refused(): void {
  const base = { sdkAppId: 1, callee: '00861', llmType: 'openai', apiKey: 'k', apiUrl: 'https://x' } as const;
  // @ts-expect-error callee is required
  const noCallee: CreateAiCallParams = { sdkAppId: 1, llmType: 'openai', apiKey: 'k', apiUrl: 'https://x' };
  // @ts-expect-error an unknown property
  const typo: CreateAiCallParams = { ...base, sytemPrompt: 'x' };
  // @ts-expect-error not an LLM protocol
  const llm: CreateAiCallParams = { ...base, llmType: 'gpt' };
  // @ts-expect-error a tencent TTS needs its SecretKey
  const tencent: CustomTtsConfig = { TTSType: 'tencent', AppId: 'a', SecretId: 'b', VoiceType: 1 };
  const azure: CustomTtsConfig = {
    TTSType: 'azure', SubscriptionKey: 'k', Region: 'r', VoiceName: 'v', Language: 'l',
    // @ts-expect-error azure has no Token
    Token: 't',
  };
  // @ts-expect-error timeoutMs is a number of milliseconds
  const options = new Client({ timeoutMs: '30s' });
  // @ts-expect-error not a fault kind
  const fault: Fault = { kind: 'explode' };
  // @ts-expect-error a campaign call takes parameters only
  const call: CampaignCall = { callee: '00861', sytemPrompt: 'x' };
  // @ts-expect-error concurrency is a number
  const campaign: CampaignOptions = { concurrency: '4' };
  // @ts-expect-error a country calling code is a string ('86' or '+86')
  const country: CampaignOptions = { defaultCountryCode: 86 };
  // @ts-expect-error a file error is not a CccError and has no kind
  const kind: FileError['kind'] = 'io';
  // @ts-expect-error not a status
  const status: ItemStatus = 'done';
  // @ts-expect-error the wait is in milliseconds: timeoutMs, not timeout
  const wait: WaitOptions = { timeout: 60 };
  // @ts-expect-error a call is a placed call or a session id
  const byNumber: CallLike = 42;
  // @ts-expect-error not an outcome status
  const outcome: CallStatus = 'ok';
  // @ts-expect-error not a verdict
  const verdict: Reconciled['verdict'] = 'maybe';
  // @ts-expect-error the key is idempotencyKey, in camelCase
  const keyed: CreateAiCallOptions = { idempotency_key: 'appt-123' };
  // @ts-expect-error an idempotency key is a string
  const numbered: CreateAiCallOptions = { idempotencyKey: 123 };
  // @ts-expect-error a campaign's name is a string
  const named: CampaignOptions = { campaign: 2026 };
  // @ts-expect-error not a shared item's state (`claimed_elsewhere` is a report's status)
  const state: SharedItemState = 'claimed_elsewhere';
  // @ts-expect-error redisUrl is a URL string
  const store = new Client({ redisUrl: { host: '127.0.0.1' } });
  void [noCallee, typo, llm, tencent, azure, options, fault, call, campaign, country, kind, status];
  void [wait, byNumber, outcome, verdict, keyed, numbered, named, state, store];
}

function pushes(): void {
  const handler = createPushHandler({
    auth: { type: 'oauth2', clientId: 'c', clientSecret: 's', tokenTtlMs: 60_000 },
    onEvent: async (e: PushEvent) => void e.outcome?.endedAt?.getTime(),
    maxBodyBytes: 65536,
  });
  // @ts-expect-error a Basic auth needs its password
  createPushHandler({ auth: { type: 'basic', username: 'u' }, onEvent: () => {} });
  createServer(handler).close();
}

function emulatorPushes(emulator: Emulator): void {
  const config: EmulatorPushConfig = {
    url: 'http://127.0.0.1:8080/ccc/push',
    auth: { type: 'oauth2', tokenUrl: 'http://127.0.0.1:8080/ccc/token', clientId: 'c', clientSecret: 's' },
    cdr: true,
    recording: false,
    retries: 3,
    retryDelayMs: 30,
    timeoutMs: 500,
    duplicate: true,
    reorder: true,
  };
  emulator.setPush(config);
  emulator.setPush({ url: 'http://127.0.0.1:8080/', auth: { type: 'basic', username: 'u', password: 'p' } });
  emulator.setPush({ url: 'http://127.0.0.1:8080/', auth: { type: 'none' } });
  emulator.setPush(null);
  // @ts-expect-error the receiver is required
  emulator.setPush({ retries: 1 });
  // @ts-expect-error a Basic auth needs its password
  emulator.setPush({ url: 'http://127.0.0.1:8080/', auth: { type: 'basic', username: 'u' } });
  // @ts-expect-error the auth names its type (as the receiver's does), not a mode
  emulator.setPush({ url: 'http://127.0.0.1:8080/', auth: { mode: 'basic', username: 'u', password: 'p' } });
  const log: EmulatorPush[] = emulator.pushes();
  for (const push of log) {
    const action: 'cdr' | 'record' = push.action;
    const answered: Array<number | null> = push.attempts.map((a) => a.status ?? a.errCode);
    const copies: number = push.attempts.filter((a) => a.duplicate && a.error === null).length;
    void [action, answered, copies, push.pushId, push.sessionId, push.body.SessionId, push.acknowledged];
  }
}

void [everything, campaigns, afterThePlacing, handle, refused, pushes, emulatorPushes];
