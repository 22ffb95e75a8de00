// Type declarations for `ccc-aicall`: place LLM-driven phone calls with Tencent Cloud Contact Center CreateAICall.

// ---- client -------------------------------------------------------------------------------------

/**
 * Options of `new Client(...)`. Every option may be left out: credentials then come from the environment
 * (`TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY`, `TENCENTCLOUD_SESSION_TOKEN`) or the profile file
 * (`~/.tencentcloud/credentials`), the region from `TENCENTCLOUD_REGION`, the endpoint from `CCC_AICALL_ENDPOINT`,
 * and everything else from the defaults (see `client.config` for what is in force).
 * An unknown option throws a `ConfigurationError` that names it, and so does a credential given but blank
 * (`secretId: ''`): leave it out (or `undefined`) to read the environment instead.
 */
export interface ClientOptions {
  /** The SecretId of a Tencent Cloud API key. */
  secretId?: string;
  /** The SecretKey. Never printed: `toString`, `inspect` and error messages leave it out. */
  secretKey?: string;
  /** The session token of temporary credentials (STS). Never printed. */
  token?: string;
  /** e.g. `ap-singapore`; sent as `X-TC-Region` only when set. */
  region?: string;
  /**
   * A host (`ccc.tencentcloudapi.com` for the mainland site; https) or a full URL (`http://127.0.0.1:8080`).
   * Default: the international site `ccc.intl.tencentcloudapi.com`.
   */
  endpoint?: string;
  /** Language of the service's error messages: `en-US` (default) or `zh-CN`. */
  language?: 'en-US' | 'zh-CN';
  /** Milliseconds for one attempt, connecting included (default 30 000). */
  timeoutMs?: number;
  /** Milliseconds to connect (default 5 000). */
  connectTimeoutMs?: number;
  /**
   * Retries of requests that certainly did not reach the service (connection failures) or that it refused
   * without acting (`RequestLimitExceeded`), with backoff; default 2, at most 10. A request that may have
   * dialled is never sent twice.
   */
  maxRetries?: number;
  /**
   * Requests per second shared by every call on this client (default 20, the service's limit for
   * CreateAICall); `0` turns the limiter off.
   */
  rateLimit?: number;
  /** A proxy URL; otherwise `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` apply. */
  proxy?: string;
  /** A PEM file of extra trusted root certificates (a corporate TLS-intercepting proxy, for example). */
  caFile?: string;
  /**
   * The country calling code (`'86'` or `'+86'`) put in front of phone numbers written without one
   * (`'130 1234 5678'` is sent as `'008613012345678'`; a national trunk prefix such as China's leading 0 is
   * dropped). Without it such numbers are refused with a `ValidationError`.
   */
  defaultCountryCode?: string;
}

/** The configuration a client resolved, without secrets. */
export interface ResolvedClientConfig {
  endpoint: string;
  region: string | null;
  secretId: string;
  language: string;
  timeoutMs: number;
  connectTimeoutMs: number;
  maxRetries: number;
  /** `0` when the limiter is off. */
  rateLimit: number;
  /** The proxy URL with any password replaced by `***`. */
  proxy: string | null;
}

/** Options of one call. */
export interface CallOptions {
  /**
   * Cancels the call. Aborted before the request was sent: the promise rejects with an `AbortError`
   * (`outcomeUnknown: false`; nothing was placed). Aborted while the request was in flight: it rejects with an
   * `OutcomeUnknownError` (`kind: 'outcome_unknown'`, `outcomeUnknown: true`): the call may have been placed.
   * `signal.reason` is the error's `cause`.
   */
  signal?: AbortSignal;
}

/** The answer to a placed call. */
export interface AiCallResult {
  /** The session of the call, for `DescribeTelSession`, `HangUpCall`, ... */
  sessionId: string;
  /** The service's RequestId (quote it to support). */
  requestId: string;
}

/** The `Response` object of a CCC action (wire names), `RequestId` included. */
export type ActionResponse = Record<string, unknown> & { RequestId: string };

/** An async client; one client serves any number of concurrent calls and shares their rate limit. */
export declare class Client {
  constructor(options?: ClientOptions);
  /** Place one AI call: validate, wait for the rate limiter, sign, send. */
  createAiCall(params: CreateAiCallParams, options?: CallOptions): Promise<AiCallResult>;
  /**
   * Any other CCC action through the same signed path, e.g.
   * `request('DescribeTelSession', { SdkAppId, SessionId })`. `params` use the service's PascalCase names.
   */
  request(action: string, params?: Record<string, unknown>, options?: CallOptions): Promise<ActionResponse>;
  /**
   * Run a campaign: one call per item of `calls` (each `options.defaults` plus the item's own parameters), at
   * most `concurrency` at a time, under this client's rate limiter. Every item is validated before the first call
   * is placed: a bad item rejects the whole campaign with a `ValidationError` naming `calls[i].field` (unless
   * `skipInvalid`), and with the file line for rows read by `readCallsCsv` (`(patients.csv line 3)`). A `journal`
   * already in use by another run rejects with a `ConfigurationError` naming the file, before anyone is dialled.
   * Otherwise resolves with one outcome per item, in input order, after every `onProgress` call; also when
   * `signal` aborts it midway or an account-wide error stops it early (see `stoppedBy`).
   */
  createAiCalls(calls: CampaignCall[], options?: CampaignOptions): Promise<CampaignReport>;
  /** The configuration in force, without secrets. */
  readonly config: ResolvedClientConfig;
  /** `Client(endpoint=..., region=..., secretId=...)`: never a secret. */
  toString(): string;
}

/** Place one call with a default client built from the environment on first use. */
export declare function createAiCall(params: CreateAiCallParams, options?: CallOptions): Promise<AiCallResult>;

/** Run a campaign (see `Client.createAiCalls`) with the default client built from the environment on first use. */
export declare function createAiCalls(calls: CampaignCall[], options?: CampaignOptions): Promise<CampaignReport>;

/**
 * Read a CSV file of calls (UTF-8, a header row, one row per call) for `createAiCalls`. A column named after a
 * parameter (`callee`, `Callee`, `max_call_duration_ms`, ...) fills it: numbers, booleans and JSON are parsed,
 * `callers` and `languages` are split on `;`. Every other column becomes a `variables` entry (`var.` strips the
 * prefix, so `var.model` is a variable); `prompt_var.` columns go to `promptVariables`. Empty cells are left out,
 * so the campaign's `defaults` apply.
 *
 * The result is a plain array of plain objects. Each object remembers (out of sight) the file line its row
 * starts on, and `createAiCalls` names it in a problem with that row: `calls[1].callee: ... (patients.csv line 3)`.
 * Sort, filter, extend or edit the array freely: a row keeps its own line; a copy of a row (`{ ...row }`) is a
 * new object and has none.
 *
 * A file that cannot be read rejects with the platform's error, as `fs` makes it (a {@link FileError}: `code`
 * `ENOENT` when it does not exist, `EACCES` without permission, `EIO` otherwise). Text that is not UTF-8 or a row
 * with the wrong number of cells rejects with a `ConfigurationError`.
 */
export declare function readCallsCsv(path: string | URL): Promise<CampaignCall[]>;

// ---- campaigns ----------------------------------------------------------------------------------

/**
 * One call of a campaign: any CreateAICall parameters, merged over `defaults`. A top-level key replaces the
 * default's value, except `variables` and `promptVariables`, which are merged by `key` (the item's value wins).
 */
export type CampaignCall = Partial<CreateAiCallParams>;

/** Options of `createAiCalls`. */
export interface CampaignOptions extends CallOptions {
  /** Parameters shared by every call (the template); each item overrides them. */
  defaults?: Partial<CreateAiCallParams>;
  /** Calls in flight at once (default 4); the client's `rateLimit` still spaces them. */
  concurrency?: number;
  /**
   * An append-only JSON-lines file, written to disk before each call is sent and after its outcome. Run the same
   * campaign again with the same journal (after a crash, a kill or an abort) and nobody is dialled twice: items
   * placed before are `already_placed`; items sent without a definitive answer are `unreconciled` (check them
   * with DescribeTelCdr); an item that failed before is sent again only when the service certainly did not act
   * on it (a rate limit, an authentication failure, nothing sent), and any other earlier failure (a refusal, an
   * error code this version does not know) is reported `failed` with that error and 0 attempts; the rest run.
   * Items are known by their callee, so editing the prompt is safe.
   *
   * One run per journal: the file is locked for the whole run, and a second run on it (in this process or
   * another) rejects with a `ConfigurationError` naming the file, having dialled nobody.
   */
  journal?: string;
  /** Report invalid items as `invalid` (each with its `ValidationError`) and run the rest. Default false. */
  skipInvalid?: boolean;
  /**
   * How often an item the service refused without acting (`RequestLimitExceeded` beyond the client's own retries,
   * `FailedOperation.AIConcurrentOverFrequency`) is tried again, after 1 s, 2 s, 4 s, ... Default 5.
   */
  refusedRetries?: number;
  /**
   * The country calling code (`'86'` or `'+86'`) for this campaign's numbers written without one; without it the
   * client's `defaultCountryCode` applies, and without either such numbers are invalid. A code no country has is
   * a `ConfigurationError`.
   */
  defaultCountryCode?: string;
  /**
   * Called on the JavaScript thread once per finished item (items skipped because of the journal included), in
   * the order they finish; `item.progress` has the campaign's counts at that moment. Something it throws (or a
   * promise it returns that rejects) becomes one process warning (`CCC_AICALL_ON_PROGRESS`); the campaign goes on.
   */
  onProgress?: (item: CampaignItem) => unknown;
  /**
   * Aborts the campaign: nothing more is sent, calls waiting for the rate limiter included; calls in flight end as
   * `outcome_unknown` (they may have been placed; `error` is an `OutcomeUnknownError` whose `cause` is
   * `signal.reason`), those not yet sent as `not_attempted`. The promise still resolves with the report, every
   * call placed before the abort in it. A signal that is already aborted rejects at once with an `AbortError`.
   */
  signal?: AbortSignal;
}

/**
 * What became of an item:
 * - `placed`: placed in this run (`sessionId`, `requestId`);
 * - `failed`: refused by the service or not sent; nobody was dialled (`error`);
 * - `outcome_unknown`: sent in this run without a definitive answer: it may have dialled (`error`). Reconcile
 *   before calling again;
 * - `already_placed`: the journal says an earlier run placed it (`sessionId`, `requestId`);
 * - `unreconciled`: the journal says an earlier run sent it without a definitive answer. Reconcile;
 * - `invalid`: invalid, with `skipInvalid` (`error` is a `ValidationError`); never sent;
 * - `not_attempted`: the campaign was aborted or stopped early before this item was sent.
 */
export type ItemStatus =
  | 'placed'
  | 'failed'
  | 'outcome_unknown'
  | 'already_placed'
  | 'unreconciled'
  | 'invalid'
  | 'not_attempted';

/** The outcome of one item. */
export interface CampaignItem {
  /** Its position in `calls`. */
  index: number;
  /** The number as dialled (`008613012345678`), or `''` when the item was invalid before one could be read. */
  callee: string;
  status: ItemStatus;
  /** The placed call's session (`placed`, `already_placed`). */
  sessionId?: string;
  /** The service's RequestId of the answer: the placed call's or the refusal's. */
  requestId?: string;
  /** Why it was not placed: the same error classes `createAiCall` throws. */
  error?: CccError;
  /** True for `outcome_unknown` and `unreconciled`: a phone may have rung. */
  outcomeUnknown: boolean;
  /** Requests sent for this item in this run (refused attempts included). */
  attempts: number;
  /**
   * When its last request was sent: in this run, or (`already_placed`, `unreconciled`, and `failed` items decided
   * by the journal) when the earlier run wrote it to the journal, just before sending. Absent for items never
   * sent. With `callee`, what you need to find the call in the call records (`DescribeTelCdr`).
   */
  sentAt?: Date;
  /**
   * On the items `onProgress` receives: the campaign's counts when this item finished (`done`, `total`, and one
   * entry per status). Absent from the report's items.
   */
  progress?: CampaignProgress;
}

/** The running counts of a campaign, from the core: the same numbers the report ends with. */
export type CampaignProgress = Record<ItemStatus | 'done' | 'total', number>;

/** The outcome of a campaign. */
export interface CampaignReport {
  /** One per call, in input order. */
  items: CampaignItem[];
  /** Items placed in this run. */
  placed: number;
  /** Items refused or not sent in this run (nobody dialled). */
  failed: number;
  /** Items sent in this run without a definitive answer. */
  outcomeUnknown: number;
  /** Items per status. */
  counts: Record<ItemStatus, number>;
  /** The items to check (e.g. with DescribeTelCdr) before anyone calls them again: `outcome_unknown` and `unreconciled`. */
  toReconcile: CampaignItem[];
  /**
   * The error that stopped the campaign early because it would hit every item (authentication, no call package,
   * expired licence, ...), or a {@link FileError} when the journal could no longer be written (every call placed
   * before stays in the report); the items not yet sent are `not_attempted`.
   */
  stoppedBy?: CccError | FileError;
}

// ---- the CreateAICall parameters ----------------------------------------------------------------

/** LLM protocols: `openai` covers GPT, Hunyuan, DeepSeek and other OpenAI-compatible APIs. */
export type LlmType = 'openai' | 'azure' | 'minimax' | 'dify';

/** The built-in voices. */
export type VoiceType =
  | 'ZhiMei'
  | 'ZhiXi'
  | 'ZhiQi'
  | 'ZhiTian'
  | 'AiXiaoJing'
  | 'WeRose'
  | 'Monika'
  | 'Nanami'
  | 'SunHi'
  | 'Gadis'
  | 'Yasmin'
  | 'Kani'
  | 'Achara'
  | 'HoaiMy';

/** ASR language codes; `zh-dialect` must stand alone. */
export type AsrLanguage =
  | 'zh'
  | 'zh-TW'
  | 'zh-dialect'
  | 'en'
  | 'vi'
  | 'ja'
  | 'ko'
  | 'id'
  | 'th'
  | 'pt'
  | 'tr'
  | 'ar'
  | 'es'
  | 'hi'
  | 'fr'
  | 'ms'
  | 'fil'
  | 'de'
  | 'it'
  | 'ru';

/** `AITransferItem`: a transfer-to-human tool. */
export interface AiTransferItem {
  /** The function name the LLM calls, unique in the list. */
  transferFunctionName: string;
  /** When the LLM should call it. */
  transferFunctionDesc: string;
  /** The skill group that takes the call. */
  transferSkillGroupId: number;
}
/** `AITransferItem` with the service's own key names. */
export interface AiTransferItemWire {
  TransferFunctionName: string;
  TransferFunctionDesc: string;
  TransferSkillGroupId: number;
}

/** `TransferToAgentItem`: a hand-over to another AI agent. */
export interface TransferToAgentItem {
  transferToAgentName: string;
  transferToAgentDesc: string;
  transferToAgentId: number;
}
/** `TransferToAgentItem` with the service's own key names. */
export interface TransferToAgentItemWire {
  TransferToAgentName: string;
  TransferToAgentDesc: string;
  TransferToAgentId: number;
}

/** `Variable`: one key/value pair. */
export interface Variable {
  key: string;
  value: string;
}
/** `Variable` with the service's own key names. */
export interface VariableWire {
  Key: string;
  Value: string;
}

/** `AICallExtractConfigElement`: one piece of information to extract after the call. */
export interface ExtractConfigElement {
  infoType: 'Text' | 'Selector' | 'Boolean' | 'Number';
  /** Unique in the list. */
  infoName: string;
  infoContent?: string;
  examples?: string[];
  /** Required when `infoType` is `Selector`. */
  choices?: string[];
}
/** `AICallExtractConfigElement` with the service's own key names. */
export interface ExtractConfigElementWire {
  InfoType: 'Text' | 'Selector' | 'Boolean' | 'Number';
  InfoName: string;
  InfoContent?: string;
  Examples?: string[];
  Choices?: string[];
}

/** `ZHToneWords`: Chinese filler words by mood. */
export interface ZhToneWords {
  neutral?: string[];
  positive?: string[];
  negative?: string[];
}
/** `ToneWordInfo`: filler words played while the LLM is slow to answer. */
export interface ToneWord {
  /** Seconds to wait for the LLM's first sentence before a filler word plays. */
  firstSentenceTimeout?: number;
  zhToneWords?: ZhToneWords;
}
/** `ToneWordInfo` with the service's own key names. */
export interface ToneWordWire {
  FirstSentenceTimeout?: number;
  ZHToneWords?: { Neutral?: string[]; Positive?: string[]; Negative?: string[] };
}

/** Tencent Cloud TTS. */
export interface TencentTtsConfig {
  TTSType: 'tencent';
  AppId: string;
  SecretId: string;
  /** Never printed. */
  SecretKey: string;
  /** A Tencent TTS voice id, e.g. `101001`. */
  VoiceType: number;
  /** -2 to 6 (0 = 1.0x, 6 = 2.5x), at most two decimals. */
  Speed?: number;
  /** 0 to 10. */
  Volume?: number;
  /** 1 Chinese (default), 2 English, 3 Japanese. */
  PrimaryLanguage?: 1 | 2 | 3;
  FastVoiceType?: string;
}
/** MiniMax TTS. */
export interface MinimaxTtsConfig {
  TTSType: 'minimax';
  /** e.g. `speech-01-turbo`. */
  Model?: string;
  /** e.g. `https://api.minimax.chat/v1/t2a_v2`. */
  APIUrl?: string;
  /** Never printed. */
  APIKey: string;
  GroupId: string;
  VoiceType?: string;
  Speed?: number;
}
/** Volcano Engine TTS. */
export interface VolcengineTtsConfig {
  TTSType: 'volcengine';
  AppId: string;
  /** Never printed. */
  Token: string;
  Speed?: number;
  Volume?: number;
  /** Default `volcano_tts`. */
  Cluster?: string;
  VoiceType?: string;
}
/** Azure Speech TTS. */
export interface AzureTtsConfig {
  TTSType: 'azure';
  /** Never printed. */
  SubscriptionKey: string;
  /** e.g. `chinanorth3`. */
  Region: string;
  /** e.g. `zh-CN-XiaoxiaoNeural`. */
  VoiceName: string;
  /** e.g. `zh-CN`. */
  Language: string;
  /** 0.5 to 2 (default 1). */
  Rate?: number;
}
/** Your own TTS service over HTTP. */
export interface CustomHttpTtsConfig {
  TTSType: 'custom';
  /** Never printed. */
  APIKey: string;
  APIUrl: string;
  /** Default `wav`. */
  AudioFormat?: 'pcm' | 'wav';
  /** Hz, default 16000. */
  SampleRate?: number;
  /** 1 (default) or 2. */
  AudioChannel?: 1 | 2;
}
/** `CustomTTSConfig` in the documented form, discriminated by `TTSType`. */
export type CustomTtsConfig =
  | TencentTtsConfig
  | MinimaxTtsConfig
  | VolcengineTtsConfig
  | AzureTtsConfig
  | CustomHttpTtsConfig;

/** `CustomTTSConfig` with camelCase keys, discriminated by `ttsType`. */
export type CustomTtsConfigCamel =
  | { ttsType: 'tencent'; appId: string; secretId: string; secretKey: string; voiceType: number; speed?: number; volume?: number; primaryLanguage?: 1 | 2 | 3; fastVoiceType?: string }
  | { ttsType: 'minimax'; model?: string; apiUrl?: string; apiKey: string; groupId: string; voiceType?: string; speed?: number }
  | { ttsType: 'volcengine'; appId: string; token: string; speed?: number; volume?: number; cluster?: string; voiceType?: string }
  | { ttsType: 'azure'; subscriptionKey: string; region: string; voiceName: string; language: string; rate?: number }
  | { ttsType: 'custom'; apiKey: string; apiUrl: string; audioFormat?: 'pcm' | 'wav'; sampleRate?: number; audioChannel?: 1 | 2 };

/**
 * The 44 parameters of CreateAICall in camelCase (the service's PascalCase names are accepted too), plus
 * `extraParams`. `undefined` and `null` mean "not set". An unknown property is a `ValidationError` naming it.
 *
 * Mind the units: `maxDuration` is milliseconds of *user silence* (not the call length; `maxCallDurationMs` is
 * the hard cap), `notifyDuration` is seconds, `vadSilenceTime` is milliseconds, `maxRingTimeoutSecond` and
 * `acquireTimeoutSecond` are seconds.
 */
export interface CreateAiCallParams {
  /** `SdkAppId` (required): the CCC application id. */
  sdkAppId: number;
  /** `Callee` (required): the number to call, `00` + country code + number (`008613012345678`); `+86...` is rewritten. */
  callee: string;
  /** `LLMType` (required): the LLM protocol. */
  llmType: LlmType;
  /** `APIKey` (required): the LLM provider's API key. Never printed. */
  apiKey: string;
  /** `APIUrl` (required): the LLM base URL, e.g. `https://api.openai.com/v1/`; for `azure` with `?api-version=...`. */
  apiUrl: string;
  /** `SystemPrompt`: persona, rules, task. Required for `openai`, `azure` and `minimax`. */
  systemPrompt?: string;
  /** `Model`: e.g. `gpt-4o-mini`, `deepseek-chat`, `hunyuan-turbo`. Required for `openai`, `azure` and `minimax`. */
  model?: string;
  /** `VoiceType`: a built-in voice; leave it out when `customTtsConfig` is set. */
  voiceType?: VoiceType;
  /** `Callers`: caller-ID numbers to call from. */
  callers?: string[];
  /** `WelcomeMessage`: the greeting. */
  welcomeMessage?: string;
  /** `WelcomeType`: 0 = speak `welcomeMessage` (if empty, the callee speaks first); 1 = the LLM greets first. */
  welcomeType?: 0 | 1;
  /** `WelcomeMessagePriority`: 0 = the greeting can be interrupted (default); 2 = it cannot. */
  welcomeMessagePriority?: 0 | 2;
  /** `MaxDuration`: **milliseconds of user silence** before hanging up (default 60 000). Not the call length. */
  maxDuration?: number;
  /** `Languages`: 1 to 4 ASR languages, the first is the primary one. */
  languages?: AsrLanguage[];
  /** `InterruptMode`: 0 = barge-in allowed (default); 1 = no interruption. */
  interruptMode?: 0 | 1;
  /** `InterruptSpeechDuration`: **milliseconds** of speech that interrupt the agent (mode 0; default 500). */
  interruptSpeechDuration?: number;
  /** `EndFunctionEnable`: let the LLM hang up through the `call_end` function. */
  endFunctionEnable?: boolean;
  /** `EndFunctionDesc`: when to call `call_end` (needs `endFunctionEnable: true`). */
  endFunctionDesc?: string;
  /** `TransferFunctionEnable`: enable `transfer_to_human`. */
  transferFunctionEnable?: boolean;
  /** `TransferItems`: the transfer-to-human tools (needs `transferFunctionEnable: true`). */
  transferItems?: Array<AiTransferItem | AiTransferItemWire>;
  /** `TransferToAgentEnable`: enable hand-over to another AI agent (not listed by the international site yet). */
  transferToAgentEnable?: boolean;
  /** `TransferToAgentItems`: the hand-over tools (needs `transferToAgentEnable: true`). */
  transferToAgentItems?: Array<TransferToAgentItem | TransferToAgentItemWire>;
  /** `NotifyDuration`: **seconds** of silence before a nudge (minimum 10, default 10). */
  notifyDuration?: number;
  /** `NotifyMessage`: the nudge text. */
  notifyMessage?: string;
  /** `NotifyMaxCount`: the most nudges (default unlimited). */
  notifyMaxCount?: number;
  /**
   * `CustomTTSConfig`: your own TTS vendor, as an object (sent as the JSON string the service wants) or as that
   * JSON string. Its credentials are never printed.
   */
  customTtsConfig?: CustomTtsConfig | CustomTtsConfigCamel | string;
  /** `PromptVariables`: variables for the prompt. */
  promptVariables?: Array<Variable | VariableWire>;
  /** `VadSilenceTime`: ASR voice-activity silence in **milliseconds**, 240 to 2000 (default 1000). */
  vadSilenceTime?: number;
  /** `ExtractConfig`: information to extract after the call. */
  extractConfig?: Array<ExtractConfigElement | ExtractConfigElementWire>;
  /** `Temperature`: the LLM's temperature. */
  temperature?: number;
  /**
   * `Variables`: prompt and greeting variables, and the service's own keys: `welcome-message-delay` (seconds),
   * `dify-inputs-xxx`, `dify-inputs-user`, `dify-inputs-conversation_id`.
   */
  variables?: Array<Variable | VariableWire>;
  /** `TopP`: the LLM's top_p. */
  topP?: number;
  /** `VadLevel`: far-field voice suppression 0 to 3 (default 0, 2 recommended). */
  vadLevel?: 0 | 1 | 2 | 3;
  /** `ToneWord`: filler words played while the LLM is slow. */
  toneWord?: ToneWord | ToneWordWire;
  /** `EnableComplianceAudio`: the "AI-generated" compliance tone (default true; false moves the duty to you). */
  enableComplianceAudio?: boolean;
  /** `EnableVoicemailDetection`: detect voicemail. */
  enableVoicemailDetection?: boolean;
  /** `VoicemailAction`: what to do on voicemail; 0 = hang up (default). */
  voicemailAction?: number;
  /** `LLMExtraBody`: extra fields for the LLM request body, as an object or its JSON string. */
  llmExtraBody?: Record<string, unknown> | string;
  /** `MaxCallDurationMs`: the hard cap on the call length in **milliseconds** (default unlimited). */
  maxCallDurationMs?: number;
  /** `MaxRingTimeoutSecond`: the most **seconds** of ringing (your own numbers only). */
  maxRingTimeoutSecond?: number;
  /** `AmbientSoundType`: background sound. */
  ambientSoundType?: 'coffee_shops' | 'busy_office';
  /** `AmbientSoundVolume`: 0 to 2 (default 1). */
  ambientSoundVolume?: number;
  /** `AcquireTimeoutSecond`: **seconds** to queue when agent concurrency is exhausted, 0 to 5 (default 5). */
  acquireTimeoutSecond?: number;
  /** `CustomSTTConfig`: custom speech recognition (ask the CCC team first), as an object or its JSON string. Never printed. */
  customSttConfig?: Record<string, unknown> | string;
  /** Raw wire parameters the service added after this release: PascalCase names, sent as given. */
  extraParams?: Record<string, unknown>;
}

// ---- errors -------------------------------------------------------------------------------------

/** The core's stable error kinds. */
export type ErrorKind =
  | 'validation'
  | 'config'
  | 'authentication'
  | 'rate_limited'
  | 'invalid_request'
  | 'call_rejected'
  | 'internal_server'
  | 'connection'
  | 'timeout'
  | 'outcome_unknown'
  | 'cancelled';

/** Fields that `CccError` subclasses may be constructed with. */
export interface CccErrorProps {
  kind?: ErrorKind;
  outcomeUnknown?: boolean;
  code?: string;
  requestId?: string;
  httpStatus?: number;
  cause?: unknown;
}

/** The base of every error this package throws. Messages never contain secrets. */
export declare class CccError extends Error {
  constructor(message?: string, props?: CccErrorProps);
  readonly kind: ErrorKind;
  /**
   * True exactly when the request may have reached the service without a definitive answer: a phone may have
   * rung. Do not simply retry such a call; look it up (DescribeTelCdr) or accept the risk of calling twice.
   */
  readonly outcomeUnknown: boolean;
  /** The service's `Error.Code` (`ApiError`), or `ABORT_ERR` (`AbortError`). */
  readonly code?: string;
  /** The service's RequestId, when an answer came back. */
  readonly requestId?: string;
  /** The HTTP status, when an answer came back. */
  readonly httpStatus?: number;
}

/**
 * A file could not be read or written: the platform's error, the same shape `fs` gives (a plain `Error`, not a
 * `CccError`). `ENOENT` (no such file) and `EACCES` (permission denied) come from opening it and read word for
 * word as `fs`'s messages; `EIO` is every other failure, with the platform's reason in `message`.
 */
export interface FileError extends Error {
  code: 'ENOENT' | 'EACCES' | 'EIO';
  /** libuv's error number for `code` (negative; `-2` for `ENOENT` on Linux), as `fs` reports it. */
  errno: number;
  /** `open` for `ENOENT` and `EACCES`; absent for `EIO`, whose failing call is not known. */
  syscall?: 'open';
  path?: string;
}

/** One problem with one parameter. */
export interface FieldProblem {
  /** The parameter's path as you spell it, e.g. `transferItems[0].transferSkillGroupId`. */
  field: string;
  message: string;
}

/** The request broke the service's documented rules; nothing was sent. Lists every problem at once. */
export declare class ValidationError extends CccError {
  constructor(message?: string, props?: CccErrorProps & { errors?: FieldProblem[] });
  readonly kind: 'validation';
  readonly errors: FieldProblem[];
}
/** The client could not be built: credentials, an unknown or bad option, endpoint, proxy, CA file. */
export declare class ConfigurationError extends CccError {}
/** The service answered with an error (`code`, `requestId`). */
export declare class ApiError extends CccError {
  readonly code: string;
  readonly requestId: string;
}
/** `AuthFailure*`, `UnauthorizedOperation*`: refused without acting. */
export declare class AuthenticationError extends ApiError {}
/** `RequestLimitExceeded*` (after the client's own retries): refused without acting. */
export declare class RateLimitError extends ApiError {}
/** `InvalidParameter*`, `MissingParameter`, `UnknownParameter`, `InvalidAction`, ... */
export declare class InvalidRequestError extends ApiError {}
/** `FailedOperation*`, `LimitExceeded*`, `OperationDenied*`, `ResourceNotFound*`, ...: the service declined the call. */
export declare class CallRejectedError extends ApiError {}
/** `InternalError*`: the service failed; `outcomeUnknown` is true (it may have dialled). */
export declare class InternalServerError extends ApiError {}
/** Nothing reached the service (DNS, connect, TLS). */
export declare class ApiConnectionError extends CccError {}
/** Timed out before the request was sent (connecting). */
export declare class ApiTimeoutError extends ApiConnectionError {}
/**
 * The request was sent and no definitive answer came back (timeout, dropped connection, 5xx, unreadable body,
 * or an abort while in flight): the call may have been placed. `outcomeUnknown` is true.
 */
export declare class OutcomeUnknownError extends CccError {
  constructor(message?: string, props?: CccErrorProps & { timedOut?: boolean });
  /** The answer did not come within `timeoutMs`. */
  readonly timedOut: boolean;
}
/** The call was aborted (`signal`) before the request was sent; nothing was placed. `name` is `AbortError`. */
export declare class AbortError extends CccError {
  readonly kind: 'cancelled';
  readonly code: 'ABORT_ERR';
}

// ---- the emulator (tests) -----------------------------------------------------------------------

/** Options of `Emulator.start(...)`; anything left out keeps the emulator's default. */
export interface EmulatorOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** CreateAICall requests per second it accepts (default 20, the service's); `0` turns its limit off. */
  rateLimit?: number;
  /** Its clock runs this many seconds ahead of the real one (negative: behind). */
  clockOffsetSecs?: number;
  /** How long a new session reports `ringing` (ms). */
  ringingMs?: number;
  /** How long a session then reports `inProgress` (ms). */
  talkingMs?: number;
  /** The key pairs it accepts (default: its test pair, `emulator.secretId` / `emulator.secretKey`). */
  credentials?: Array<{ secretId: string; secretKey: string; token?: string }>;
  /** Serve https with a certificate signed by a CA made at start; trust `emulator.caPem` through `caFile`. */
  tls?: boolean;
}

/** A CreateAICall the emulator accepted: in the real service, a phone that rang. */
export interface PlacedCall {
  sessionId: string;
  requestId: string;
  /** When it was accepted, in milliseconds since the Unix epoch. */
  receivedAtMs: number;
  /** The request body exactly as received (wire names). */
  body: Record<string, unknown>;
}

/** What the emulator does instead of (or on top of) answering normally. */
export type FaultKind =
  /** Answer this error code; `placed` (default true only for `InternalError*`) processes the call first. */
  | { kind: 'error'; code: string; message?: string; placed?: boolean }
  /** Process the request, then answer this HTTP status with an HTML body. */
  | { kind: 'http_status'; status: number }
  /** Wait before reading the request, or after processing it (placed, answered late). */
  | { kind: 'delay'; phase: 'before_read' | 'after_read'; ms: number }
  /** Process the request, then close the connection without answering. */
  | { kind: 'close_after_read' }
  /** Process the request, then answer a body that is not JSON. */
  | { kind: 'malformed_body' }
  /** Process the request, then send less body than `Content-Length` promised. */
  | { kind: 'truncated_body' }
  /** Answer normally with a `Date` header this many seconds off. */
  | { kind: 'skewed_date'; secs: number };

/** A scripted fault: queued FIFO, taken by the next request for `action` (any when left out), `times` times. */
export type Fault = FaultKind & { action?: string; times?: number };

/** A local CreateAICall service for tests: TC3 verification, the same parameter rules, faults on demand. */
export declare class Emulator {
  /** Start one on 127.0.0.1; resolves once it listens. */
  static start(options?: EmulatorOptions): Promise<Emulator>;
  private constructor();
  /** `http://127.0.0.1:PORT`: pass it as `endpoint`. */
  readonly endpoint: string;
  /** The test SecretId it accepts. */
  readonly secretId: string;
  /** The test SecretKey it accepts (kept out of `inspect`). */
  readonly secretKey: string;
  /** With `tls: true`: the PEM certificate of the CA that signed its certificate (write it to a file for `caFile`). */
  readonly caPem: string | undefined;
  /** `{ endpoint, secretId, secretKey }` for `new Client(...)`. */
  clientOptions(): Required<Pick<ClientOptions, 'endpoint' | 'secretId' | 'secretKey'>>;
  /** Every CreateAICall placed so far, oldest first. */
  calls(): PlacedCall[];
  /** HTTP requests received (whatever became of them), or those for one action. */
  hits(action?: string): number;
  /** Queue a fault. */
  inject(fault: Fault): void;
  setRateLimit(requestsPerSecond: number): void;
  setClockOffset(secs: number): void;
  /** Forget calls, counters, faults and sessions. */
  reset(): void;
  /** Stop serving. */
  stop(): Promise<void>;
}
