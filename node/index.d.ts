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
  // <generated: ClientOptions>
  /**
   * The SecretId of a Tencent Cloud API key. Else the environment, else ~/.tencentcloud/credentials (then
   * /etc/tencentcloud/credentials), section [default]. A blank value given explicitly is an error. Environment:
   * `TENCENTCLOUD_SECRET_ID`.
   */
  secretId?: string;
  /**
   * The SecretKey of that API key. Never printed. Else the environment, else the profile file. Environment:
   * `TENCENTCLOUD_SECRET_KEY`.
   */
  secretKey?: string;
  /** The session token of temporary credentials (STS). Never printed. Environment: `TENCENTCLOUD_SESSION_TOKEN`. */
  token?: string;
  /**
   * The region, e.g. ap-singapore, sent as X-TC-Region; the actions need none, so by default none is sent. Environment:
   * `TENCENTCLOUD_REGION`.
   */
  region?: string;
  /**
   * A host (https; `ccc.tencentcloudapi.com` for the mainland site) or a URL such as `http://127.0.0.1:8080`, used as
   * given. Default `ccc.intl.tencentcloudapi.com`. Environment: `CCC_AICALL_ENDPOINT`.
   */
  endpoint?: string;
  /** The language of the service's messages: en-US or zh-CN. Default `en-US`. */
  language?: string;
  /** The time allowed for one attempt, connecting included. In milliseconds; default 30000. */
  timeoutMs?: number;
  /** The time allowed for connecting. In milliseconds; default 5000. */
  connectTimeoutMs?: number;
  /**
   * Retries of requests that certainly did not reach the service or that it refused without acting, at most 10. A
   * request that may have dialled is never sent twice. Default 2.
   */
  maxRetries?: number;
  /**
   * Requests per second for CreateAICall, shared by every call on the client; 0 turns the limiters off. Every other
   * action has a budget of its own, at its documented limit (20/s) or this one if lower, so polling never delays
   * dialling. Default 20.
   */
  rateLimit?: number;
  /**
   * A proxy URL; NO_PROXY is honoured too. Its password is never printed. Environment: `HTTPS_PROXY`, then
   * `HTTP_PROXY`.
   */
  proxy?: string;
  /**
   * A PEM file of extra trusted root certificates (a corporate TLS-intercepting proxy); verification is never switched
   * off.
   */
  caFile?: string;
  /**
   * The country calling code ("86" or "+86") put in front of phone numbers written without one; without it such numbers
   * are refused. A national trunk prefix such as China's leading 0 is dropped.
   */
  defaultCountryCode?: string;
  /**
   * A Redis server shared by every process using the same SecretId (`redis://host:6379/0`): one rate-limit budget per
   * action across all of them, and idempotency keys that hold across processes. Without it both stay in this process.
   * Its password is never printed. Environment: `CCC_AICALL_REDIS_URL`.
   */
  redisUrl?: string;
  /**
   * When the Redis store cannot be reached: fall back to this process's own rate limiter instead of refusing
   * CreateAICall (error kind store_unavailable, nothing sent). A call with an idempotency key is never sent without its
   * claim, whatever this says. Default `false`.
   */
  storeFallbackLocal?: boolean;
  /** How long an idempotency key is remembered, at least one second. In milliseconds; default 86400000. */
  idempotencyTtlMs?: number;
  // </generated: ClientOptions>
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
  /** The shared store's URL (`redisUrl` or `CCC_AICALL_REDIS_URL`) with any password replaced by `***`. */
  redisUrl: string | null;
  storeFallbackLocal: boolean;
  idempotencyTtlMs: number;
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

/** Options of `createAiCall`. An unknown option rejects with a `ConfigurationError` naming it; nothing is sent. */
export interface CreateAiCallOptions extends CallOptions {
  /**
   * Send this call at most once per key (1 to 255 bytes, no control characters; e.g. your appointment's id): a
   * repeat with the same key, from this client or any process sharing its `redisUrl` store (and SecretId), sends
   * nothing. Once the first call was placed it resolves with that call's result (`replayed: true`); while the first
   * attempt is in flight, or after it ended with its outcome unknown, it rejects with an `IdempotencyKeyPendingError`
   * (the first attempt may have dialled). A key reused for a different call is a `ValidationError`. The key is
   * remembered for the client's `idempotencyTtlMs`; it is freed when the call certainly was not placed, so a retry
   * may send. With a Redis store that cannot be reached a keyed call is never sent: `StoreUnavailableError`.
   */
  idempotencyKey?: string;
}

/** The answer to a placed call: pass it to `waitForCall`, `getCall`, `hangUp`, `say` and `transfer`. */
export interface AiCallResult {
  /** The session of the call, for `DescribeTelSession`, `HangUpCall`, ... */
  sessionId: string;
  /** The service's RequestId (quote it to support). */
  requestId: string;
  /** The app the call was placed in. */
  sdkAppId: number;
  /** The number dialled, in the service's form (`008613012345678`). */
  callee: string;
  /** When the request that placed it left. */
  placedAt: Date;
  /**
   * The request set `extractConfig`. Without it `waitForCall` asks once for extracted fields (the console's
   * post-call tags may answer) and takes an empty answer as nothing extracted; with it, or for a call given by its
   * session id, it waits for them within `timeoutMs`.
   */
  extractionConfigured: boolean;
  /**
   * The result of an earlier call with the same `idempotencyKey`, kept by the store: nothing was sent now, and the
   * fields are that call's.
   */
  replayed: boolean;
}

/** The `Response` object of a CCC action (wire names), `RequestId` included. */
export type ActionResponse = Record<string, unknown> & { RequestId: string };

/** An async client; one client serves any number of concurrent calls and shares their rate limit. */
export declare class Client {
  constructor(options?: ClientOptions);
  /** Place one AI call: validate, wait for the rate limiter, sign, send. */
  createAiCall(params: CreateAiCallParams, options?: CreateAiCallOptions): Promise<AiCallResult>;
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
  /**
   * A named campaign (`createAiCalls(calls, { campaign: name })`) as its shared journal records it now, from any
   * process using the same store and SecretId: every item some worker claimed, and the counts per state. A name
   * never run gives no items.
   */
  campaignStatus(name: string): Promise<CampaignStatus>;
  /**
   * Follow a placed call to its end and resolve with how it ended. Polls the session (backing off from
   * `pollIntervalMs`) until it is finished, then its call record (which may lag the hang-up), then, for an answered
   * call, its transcript and extracted fields; what is not ready within `timeoutMs` is listed in `missing`, not an
   * error. Rejects with a `WaitTimeoutError` when the call has not ended (or its record not appeared) within
   * `timeoutMs`, and with an `AbortError` when `signal` aborts (only reads are sent: nothing to reconcile).
   */
  waitForCall(call: CallLike, options?: WaitOptions): Promise<CallOutcome>;
  /** The call's state now (DescribeTelSession): ringing, in progress, finished. */
  getCall(call: CallLike, options?: CallActionOptions): Promise<CallState>;
  /** Hang the call up (HangUpCall). A call that is already over rejects with a `CallNotLiveError`. */
  hangUp(call: CallLike, options?: CallActionOptions): Promise<void>;
  /**
   * Make the agent say `text` now (ControlAIConversation `ServerPushText`); the service does not acknowledge that it
   * was played. A call that is not in progress rejects with a `CallNotLiveError`; an empty text with a
   * `ValidationError`.
   */
  say(call: CallLike, text: string, options?: SayOptions): Promise<void>;
  /** Hand the call to the human agents of a skill group (TransferToManual); a call that is over: `CallNotLiveError`. */
  transfer(call: CallLike, skillGroupId: number, options?: CallActionOptions): Promise<void>;
  /**
   * The call records of one number (normalised like a call's) between `since` and `until` (DescribeTelCdr, every
   * page; windows longer than the service's 90 days are split), in the order the service gives them.
   */
  findCalls(callee: string, options: FindCallsOptions): Promise<CallOutcome[]>;
  /**
   * Settle an error that left a call's outcome unknown (an `OutcomeUnknownError` or `InternalServerError` of
   * `createAiCall`, or a campaign item's): was the call placed? Looks for records of its callee from shortly before
   * the request left. A record that started after it: `placed` (with the records, likeliest first). No record, and
   * none can still appear (the time since the request left is longer than the longest it could ring, plus the
   * longest it could last — the request's `maxCallDurationMs`, else `maxCallDurationMs` here — plus the record
   * delay): `not_placed`. Otherwise `cannot_tell_yet`, with `retryAfterMs`. An error that carries no call rejects
   * with a `ValidationError` naming `error`.
   */
  reconcile(error: unknown, options?: ReconcileOptions): Promise<Reconciled>;
  /** The configuration in force, without secrets. */
  readonly config: ResolvedClientConfig;
  /** `Client(endpoint=..., region=..., secretId=...)`: never a secret. */
  toString(): string;
}

// ---- after the call is placed ------------------------------------------------------------------

/**
 * A placed call: what `createAiCall` resolved with (or any object with its `sessionId` and `sdkAppId`, such as a
 * campaign item with `sdkAppId` given in the options; other keys are ignored), or a session id, with `sdkAppId`
 * in the options. `placedAt` (a `Date` or Unix milliseconds) narrows the record queries.
 */
export type CallLike =
  | string
  | AiCallResult
  | {
      sessionId: string;
      sdkAppId?: number;
      callee?: string;
      placedAt?: Date | number;
      extractionConfigured?: boolean;
    };

/**
 * Options of `getCall`, `hangUp` and `transfer`. An unknown option, or a value of the wrong type, rejects with a
 * `ValidationError` naming it.
 */
export interface CallActionOptions {
  /** The app; required when the call is given by its session id. */
  sdkAppId?: number;
}

/** Options of `waitForCall`. */
export interface WaitOptions extends CallActionOptions {
  /** The whole wait: for the call to end, its record, then its transcript and extraction. Default 600000. */
  timeoutMs?: number;
  /** Fetch the transcript of an answered call. Default true. */
  transcript?: boolean;
  /** Fetch the extracted fields of an answered call. Default true. */
  extraction?: boolean;
  /** The first pause between polls (at least 1); each later one is 1.5 times longer. Default 1000. */
  pollIntervalMs?: number;
  /** The longest pause between polls. Default 15000. */
  maxPollIntervalMs?: number;
  /** Aborts the wait: it rejects with an `AbortError` whose `cause` is `signal.reason`. */
  signal?: AbortSignal;
}

/** Options of `say`. */
export interface SayOptions extends CallActionOptions {
  /** Cut in on what the agent is saying. Default true. */
  interrupt?: boolean;
  /** Close the conversation once the text has been played. */
  stopAfterPlay?: boolean;
  /** Add the text to the model's conversation history. */
  addHistory?: boolean;
}

/** What `findCalls` looks for. */
export interface FindCallsOptions {
  sdkAppId: number;
  /** The start of the window: a `Date` or Unix milliseconds, at most 180 days ago. */
  since: Date | number;
  /** The end of the window. Default now. */
  until?: Date | number;
}

/**
 * The rule `reconcile` decides `not_placed` by: none of these is documented by the service, so the defaults are
 * deliberately long. Each in milliseconds; an unknown option or a bad value is a `ConfigurationError`.
 */
export interface ReconcileOptions {
  /** The longest a call rings. Default 180000 (3 minutes). */
  maxRingMs?: number;
  /** The longest a call lasts when its request set no `maxCallDurationMs`. Default 14400000 (4 hours). */
  maxCallDurationMs?: number;
  /** How long after a call ends its record may take to appear. Default 600000 (10 minutes). */
  recordDelayMs?: number;
  /** How far the service's clock may be from ours. Default 300000 (5 minutes). */
  clockSkewMs?: number;
}

/**
 * How a call ended, for people: `answered`, `not_answered` (rang out, or cancelled while ringing), `busy`,
 * `rejected` (declined), `unreachable` (off, out of coverage or credit), `invalid_number`, `voicemail`, `blocked`
 * (a blocklist, a frequency, area or hour rule), `failed` (the service's or the agent's side, or a code this version
 * does not know on a call that was not answered). `endStatus` keeps the service's own code.
 */
export type CallStatus =
  | 'answered'
  | 'not_answered'
  | 'busy'
  | 'rejected'
  | 'unreachable'
  | 'invalid_number'
  | 'voicemail'
  | 'blocked'
  | 'failed';

/** One sentence of the transcript. */
export interface Turn {
  /** `user` when the service names the callee (or `user`) as the speaker, else `ai`. */
  role: 'ai' | 'user';
  text: string;
  /** The speaker as the service named it. */
  speaker: string;
  start: Date | null;
  end: Date | null;
}

/**
 * One extracted field's value, by its type: `Text` a string, `Selector` the chosen options, `Boolean`, `Number`;
 * a type this version does not know: the service's `Result` object.
 */
export type ExtractedValue = string | string[] | boolean | number | Record<string, unknown>;

/**
 * How a placed call ended (`waitForCall`, `findCalls`, `reconcile`, a campaign item's `outcome`). Plain data:
 * `JSON.stringify` gives every field; `console.log` shows a summary (status, durations, transcript).
 */
export interface CallOutcome {
  sessionId: string;
  sdkAppId: number | null;
  status: CallStatus;
  /** The service's numeric `EndStatus`, as it came. */
  endStatus: number | null;
  endStatusString: string | null;
  /** The person answered. */
  answered: boolean;
  caller: string | null;
  callee: string | null;
  /** From the start of ringing to the answer (or the end, when not answered). */
  ringDurationMs: number | null;
  /** From the answer to the end; 0 when not answered. */
  talkDurationMs: number | null;
  startedAt: Date | null;
  answeredAt: Date | null;
  endedAt: Date | null;
  /** `user`, `seat` or `system`, as the service wrote it. */
  hangupSide: string | null;
  /** Why the system hung up after the answer, when it did. */
  sysHangupReason: string | null;
  recordingUrl: string | null;
  /** The transcript, when asked for and ready; `null` otherwise (see `missing`). */
  transcript: Turn[] | null;
  /** The extracted fields by name, when asked for and ready. */
  extracted: Record<string, ExtractedValue> | null;
  /**
   * What was asked for and not ready within the wait (`'transcript'`, `'extraction'`): not an error; the service
   * prepares them after the call and may still do so.
   */
  missing: Array<'transcript' | 'extraction'>;
  /** The service's answers as they came: `record`, and `transcript` and `extraction` when fetched. */
  raw: Record<string, unknown>;
}
/** The class of the outcomes this package gives (for `instanceof`); not constructed by hand. */
export declare class CallOutcome {
  private constructor();
}

/** A session's live status (`other` values the service added later come as they are). */
export type LiveStatus = 'ringing' | 'seat_joining' | 'in_progress' | 'finished' | (string & {});

/** A call's state now (`getCall`). */
export interface CallState {
  sessionId: string;
  status: LiveStatus;
  caller: string | null;
  callee: string | null;
  startedAt: Date | null;
  ringingAt: Date | null;
  answeredAt: Date | null;
  /** The `Session` object as the service sent it. */
  raw: Record<string, unknown>;
}

/** What `reconcile` concluded. */
export interface Reconciled {
  /**
   * `placed`: a record shows the call (in `calls`, likeliest first); `not_placed`: no record and none can still
   * appear, so dialling again cannot ring the person twice; `cannot_tell_yet`: ask again after `retryAfterMs`.
   */
  verdict: 'placed' | 'not_placed' | 'cannot_tell_yet';
  calls: CallOutcome[];
  /** With `cannot_tell_yet`: when a record can no longer appear. */
  retryAfterMs: number | null;
}

/** The package's version (its native module's): every package of a release has the same one. */
export declare const version: string;

/** Place one call with a default client built from the environment on first use. */
export declare function createAiCall(
  params: CreateAiCallParams,
  options?: CreateAiCallOptions,
): Promise<AiCallResult>;

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

// ---- data pushes --------------------------------------------------------------------------------

/** How the service's pushes authenticate: none (leave `auth` out), HTTP Basic, or an OAuth2 bearer token. */
export type PushAuth =
  | { type: 'basic'; username: string; password: string }
  | {
      type: 'oauth2';
      clientId: string;
      clientSecret: string;
      /** How long an issued token is accepted. Default one hour. */
      tokenTtlMs?: number;
    };

/** A new push, delivered once (a re-push with the same `X-TCCC-PUSH-UUID` is acknowledged, not delivered). */
export interface PushEvent {
  /** From the `action` query parameter: `cdr`, `record`, `voicemail`; `unknown` for any other. */
  kind: 'cdr' | 'recording' | 'voicemail' | 'unknown';
  /** The `action` query parameter as it came. */
  action: string;
  pushId: string | null;
  sessionId: string | null;
  /** For a call record: the same `CallOutcome` `waitForCall` gives. */
  outcome: CallOutcome | null;
  /** For a recording or voicemail: its `RecordURL`. */
  recordingUrl: string | null;
  /** The body as it came. */
  body: Record<string, unknown>;
}

export interface PushHandlerOptions {
  auth?: PushAuth;
  /** Runs after the reply is sent; a returned promise is awaited. */
  onEvent: (event: PushEvent) => void | Promise<void>;
  /** Gets what `onEvent` threw or rejected with; without it, such errors are ignored. The reply never changes. */
  onError?: (error: unknown, event: PushEvent | undefined) => void;
  /** Larger bodies are answered 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** With OAuth2: the path of the token endpoint. Default: any path ending in `/token`. */
  tokenPath?: string;
  /**
   * For a receiver that runs as several processes (cluster workers, replicas): the push ids delivered and the OAuth2
   * tokens issued are shared through this Redis, so a re-push or a token reaching another process is still
   * recognised. If Redis does not answer, each process goes on with its own memory (a re-push reaching another
   * process may then be delivered twice: at least once, never lost).
   */
  redisUrl?: string;
}

/**
 * A `(req, res)` handler for the service's data pushes: `http.createServer(handler)`, or with Express
 * `app.post('/ccc/push', handler)` (before a JSON body parser, or after `express.raw()`).
 */
export declare function createPushHandler(
  options: PushHandlerOptions,
): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;

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
   * another) rejects with a `ConfigurationError` naming the file, having dialled nobody. Not with `campaign`.
   */
  journal?: string;
  /**
   * A name for the campaign (1 to 200 characters), instead of a `journal` file: its journal is kept in the client's
   * store, shared by every worker that runs the same list under the same name with the same `redisUrl` and
   * SecretId (without a `redisUrl`, by the clients of this process). Any number of workers may run it at once or
   * one after another, and each item is dialled at most once: an item is claimed in the store before its request
   * leaves, and a worker that finds it claimed sends nothing for it (`already_placed`, `claimed_elsewhere`, or
   * the other worker's refusal or unknown outcome). An item whose worker died while sending it stays
   * `claimed_elsewhere` until a run with `reconcile` proves the call was not placed. `client.campaignStatus(name)`
   * shows every item's state. Giving both `journal` and `campaign` is a `ConfigurationError`.
   */
  campaign?: string;
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
   * Follow every placed item (and every item the journal says was placed) to its end: each gets its `outcome`
   * (a `CallOutcome`, as `waitForCall` gives it). Outcomes are collected with batched record queries (up to 100
   * calls per request) while calls are still being placed, on rate budgets of their own; `report.requests` says
   * what was spent. The promise resolves once every outcome is in or `waitTimeoutMs` has passed. Default false.
   */
  wait?: boolean;
  /**
   * With `wait`: how long after the last call of this run was placed outcomes are still collected; what has not
   * arrived then has no `outcome` (and a transcript or extraction not ready is listed in its `missing`). Default
   * 600000.
   */
  waitTimeoutMs?: number;
  /** With `wait`: fetch each answered call's transcript. Default true. */
  transcript?: boolean;
  /**
   * With `wait`: fetch each answered call's extracted fields. A call whose request has no `extractConfig` is asked
   * once. Default true.
   */
  extraction?: boolean;
  /**
   * With a `journal` or a `campaign`: settle the items an earlier run left `unreconciled` (as `client.reconcile`
   * does) before anyone is dialled: a call found is `already_placed` with its session; one proven not placed is
   * dialled now; one that cannot be told yet stays `unreconciled`. Nobody not proven unplaced is dialled. Default
   * false.
   */
  reconcile?: boolean;
  /** How `reconcile` decides "not placed" (see `Client.reconcile`). */
  reconcileOptions?: ReconcileOptions;
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
 * - `not_attempted`: the campaign was aborted or stopped early before this item was sent;
 * - `claimed_elsewhere`: a named campaign's item another worker claimed first: it is sending it, or stopped while
 *   it was (a run with `reconcile` settles it). This worker sent nothing for it.
 */
export type ItemStatus =
  | 'placed'
  | 'failed'
  | 'outcome_unknown'
  | 'already_placed'
  | 'unreconciled'
  | 'invalid'
  | 'not_attempted'
  | 'claimed_elsewhere';

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
  /**
   * With `wait`: how its call ended, once collected (`onProgress` receives the item again when it is). Absent for
   * items that placed no call, and for calls not found within `waitTimeoutMs`.
   */
  outcome?: CallOutcome;
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
  /**
   * The items to check (e.g. with DescribeTelCdr) before anyone calls them again: `outcome_unknown` and
   * `unreconciled`.
   */
  toReconcile: CampaignItem[];
  /**
   * The error that stopped the campaign early because it would hit every item (authentication, no call package,
   * expired licence, ...), or a {@link FileError} when the journal could no longer be written (every call placed
   * before stays in the report); the items not yet sent are `not_attempted`.
   */
  stoppedBy?: CccError | FileError;
  /**
   * Requests sent in this run, per action: `CreateAICall` (every attempt), and with `wait` or `reconcile` the
   * record, transcript and extraction queries they spent.
   */
  requests: Record<string, number>;
  /** With `wait`: the error that stopped collecting outcomes early; the items not collected by then have none. */
  waitError?: CccError;
}
/**
 * The state of a named campaign's item in its shared journal:
 * - `placed`: a worker placed it (`sessionId`);
 * - `sending`: a worker is sending it, or stopped while it was: a run with `reconcile` settles it;
 * - `outcome_unknown`: sent without a definitive answer; reconcile before calling again;
 * - `failed`: refused; not sent again;
 * - `retryable`: refused in a way that proves nothing happened: the next worker sends it again.
 */
export type SharedItemState = 'placed' | 'sending' | 'outcome_unknown' | 'failed' | 'retryable';

/** One item of a named campaign, by the last event its workers recorded. */
export interface SharedItem {
  /** Its position in the list. */
  index: number;
  /** The callee and its occurrence in the list (`008613012345678#1`): how workers recognise the item. */
  key: string;
  state: SharedItemState;
  /** With `placed`: the call's session. */
  sessionId?: string;
  /** With `failed`, `outcome_unknown` and `retryable`: the error's code, or its message when it has none. */
  error?: string;
}

/** A named campaign as its shared journal records it (`client.campaignStatus`). */
export interface CampaignStatus {
  name: string;
  /** Every item some worker has claimed, by index. */
  items: SharedItem[];
  /** Items per state. */
  counts: Record<SharedItemState, number>;
}

/**
 * The class of campaign reports (for `instanceof`); plain data otherwise: `console.log` shows the counts by status,
 * `JSON.stringify` every field.
 */
export declare class CampaignReport {
  private constructor();
}

// ---- the CreateAICall parameters ----------------------------------------------------------------

// <generated: request-types>
/** The values of `llmType`. */
export type LlmType = 'openai' | 'azure' | 'minimax' | 'dify';

/** The values of `voiceType`. */
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

/** The values of `languages`. */
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

/** A transfer-to-human tool (`AITransferItem`). */
export interface AiTransferItem {
  /** The function name the LLM calls, unique in the list. */
  transferFunctionName: string;
  /** When the LLM should transfer to a human. */
  transferFunctionDesc: string;
  /** The id of the skill group to transfer to. */
  transferSkillGroupId: number;
}

/** `AITransferItem` with the service's own key names. */
export interface AiTransferItemWire {
  /** The function name the LLM calls, unique in the list. */
  TransferFunctionName: string;
  /** When the LLM should transfer to a human. */
  TransferFunctionDesc: string;
  /** The id of the skill group to transfer to. */
  TransferSkillGroupId: number;
}

/** A transfer-to-another-AI-agent tool (`TransferToAgentItem`). */
export interface TransferToAgentItem {
  /** The function name the LLM calls, unique in the list. */
  transferToAgentName: string;
  /** When the LLM should hand over to this agent. */
  transferToAgentDesc: string;
  /** The id of the AI agent to transfer to. */
  transferToAgentId: number;
}

/** `TransferToAgentItem` with the service's own key names. */
export interface TransferToAgentItemWire {
  /** The function name the LLM calls, unique in the list. */
  TransferToAgentName: string;
  /** When the LLM should hand over to this agent. */
  TransferToAgentDesc: string;
  /** The id of the AI agent to transfer to. */
  TransferToAgentId: number;
}

/** One key/value pair of `variables` or `promptVariables` (`Variable`). */
export interface Variable {
  /** The variable's name, unique in the list. */
  key: string;
  /** Its value (may be empty). */
  value: string;
}

/** `Variable` with the service's own key names. */
export interface VariableWire {
  /** The variable's name, unique in the list. */
  Key: string;
  /** Its value (may be empty). */
  Value: string;
}

/** One piece of information to extract after the call (`AICallExtractConfigElement`). */
export interface ExtractConfigElement {
  /** The kind of value. */
  infoType: 'Text' | 'Selector' | 'Boolean' | 'Number';
  /** The name of the information, unique in the list. */
  infoName: string;
  /** What to extract, for the LLM. */
  infoContent?: string;
  /** Examples of values. */
  examples?: string[];
  /** The values to choose from; required when `infoType` is "Selector". */
  choices?: string[];
}

/** `AICallExtractConfigElement` with the service's own key names. */
export interface ExtractConfigElementWire {
  /** The kind of value. */
  InfoType: 'Text' | 'Selector' | 'Boolean' | 'Number';
  /** The name of the information, unique in the list. */
  InfoName: string;
  /** What to extract, for the LLM. */
  InfoContent?: string;
  /** Examples of values. */
  Examples?: string[];
  /** The values to choose from; required when `InfoType` is "Selector". */
  Choices?: string[];
}

/** Filler words played while the LLM is slow to answer (`ToneWordInfo`). */
export interface ToneWord {
  /** How long the LLM may take before a filler word is played. In seconds, greater than 0. */
  firstSentenceTimeout?: number;
  /** Chinese filler words by mood. */
  zhToneWords?: ZhToneWords;
}

/** `ToneWordInfo` with the service's own key names. */
export interface ToneWordWire {
  /** How long the LLM may take before a filler word is played. In seconds, greater than 0. */
  FirstSentenceTimeout?: number;
  /** Chinese filler words by mood. */
  ZHToneWords?: ZhToneWordsWire;
}

/** Chinese filler words by mood (`ZHToneWordsInfo`). */
export interface ZhToneWords {
  /** Neutral filler words. */
  neutral?: string[];
  /** Positive filler words. */
  positive?: string[];
  /** Negative filler words. */
  negative?: string[];
}

/** `ZHToneWordsInfo` with the service's own key names. */
export interface ZhToneWordsWire {
  /** Neutral filler words. */
  Neutral?: string[];
  /** Positive filler words. */
  Positive?: string[];
  /** Negative filler words. */
  Negative?: string[];
}

/** Tencent Cloud TTS (`TTSType` "tencent"). */
export interface TencentTtsConfig {
  TTSType: 'tencent';
  /** Your Tencent Cloud AppId (a string of digits). */
  AppId: string;
  /** The SecretId allowed to call TTS. Never printed. */
  SecretId: string;
  /** Its SecretKey. Never printed. */
  SecretKey: string;
  /** A Tencent TTS voice id, e.g. 101001. */
  VoiceType: number;
  /** Speech speed: 0 is 1.0x, 6 is 2.5x. -2 to 6, at most 2 decimals. */
  Speed?: number;
  /** The volume. 0 to 10. */
  Volume?: number;
  /** The primary language. `1` = Chinese; `2` = English; `3` = Japanese. Default 1. */
  PrimaryLanguage?: 1 | 2 | 3;
  /** A custom (cloned) voice id. */
  FastVoiceType?: string;
}

/** Tencent Cloud TTS (`ttsType` "tencent"), with camelCase keys. */
export interface TencentTtsConfigCamel {
  ttsType: 'tencent';
  /** Your Tencent Cloud AppId (a string of digits). */
  appId: string;
  /** The SecretId allowed to call TTS. Never printed. */
  secretId: string;
  /** Its SecretKey. Never printed. */
  secretKey: string;
  /** A Tencent TTS voice id, e.g. 101001. */
  voiceType: number;
  /** Speech speed: 0 is 1.0x, 6 is 2.5x. -2 to 6, at most 2 decimals. */
  speed?: number;
  /** The volume. 0 to 10. */
  volume?: number;
  /** The primary language. `1` = Chinese; `2` = English; `3` = Japanese. Default 1. */
  primaryLanguage?: 1 | 2 | 3;
  /** A custom (cloned) voice id. */
  fastVoiceType?: string;
}

/** MiniMax TTS (`TTSType` "minimax"). */
export interface MinimaxTtsConfig {
  TTSType: 'minimax';
  /** The TTS model, e.g. speech-01-turbo. */
  Model?: string;
  /** The TTS endpoint, e.g. https://api.minimax.chat/v1/t2a_v2. */
  APIUrl?: string;
  /** Your MiniMax API key. Never printed. */
  APIKey: string;
  /** Your MiniMax group id. */
  GroupId: string;
  /** The voice id. */
  VoiceType?: string;
  /** Speech speed. Greater than 0. */
  Speed?: number;
}

/** MiniMax TTS (`ttsType` "minimax"), with camelCase keys. */
export interface MinimaxTtsConfigCamel {
  ttsType: 'minimax';
  /** The TTS model, e.g. speech-01-turbo. */
  model?: string;
  /** The TTS endpoint, e.g. https://api.minimax.chat/v1/t2a_v2. */
  apiUrl?: string;
  /** Your MiniMax API key. Never printed. */
  apiKey: string;
  /** Your MiniMax group id. */
  groupId: string;
  /** The voice id. */
  voiceType?: string;
  /** Speech speed. Greater than 0. */
  speed?: number;
}

/** Volcano Engine TTS (`TTSType` "volcengine"). */
export interface VolcengineTtsConfig {
  TTSType: 'volcengine';
  /** Your Volcano Engine app id. */
  AppId: string;
  /** Your access token. Never printed. */
  Token: string;
  /** Speech speed. Greater than 0. */
  Speed?: number;
  /** The volume. Greater than 0. */
  Volume?: number;
  /** The cluster. Default `volcano_tts`. */
  Cluster?: string;
  /** The voice id. */
  VoiceType?: string;
}

/** Volcano Engine TTS (`ttsType` "volcengine"), with camelCase keys. */
export interface VolcengineTtsConfigCamel {
  ttsType: 'volcengine';
  /** Your Volcano Engine app id. */
  appId: string;
  /** Your access token. Never printed. */
  token: string;
  /** Speech speed. Greater than 0. */
  speed?: number;
  /** The volume. Greater than 0. */
  volume?: number;
  /** The cluster. Default `volcano_tts`. */
  cluster?: string;
  /** The voice id. */
  voiceType?: string;
}

/** Azure Speech TTS (`TTSType` "azure"). */
export interface AzureTtsConfig {
  TTSType: 'azure';
  /** Your Azure Speech subscription key. Never printed. */
  SubscriptionKey: string;
  /** The Azure region, e.g. chinanorth3. */
  Region: string;
  /** The voice, e.g. zh-CN-XiaoxiaoNeural. */
  VoiceName: string;
  /** The language, e.g. zh-CN. */
  Language: string;
  /** Speech rate. 0.5 to 2. Default 1. */
  Rate?: number;
}

/** Azure Speech TTS (`ttsType` "azure"), with camelCase keys. */
export interface AzureTtsConfigCamel {
  ttsType: 'azure';
  /** Your Azure Speech subscription key. Never printed. */
  subscriptionKey: string;
  /** The Azure region, e.g. chinanorth3. */
  region: string;
  /** The voice, e.g. zh-CN-XiaoxiaoNeural. */
  voiceName: string;
  /** The language, e.g. zh-CN. */
  language: string;
  /** Speech rate. 0.5 to 2. Default 1. */
  rate?: number;
}

/** Your own TTS service over HTTP (`TTSType` "custom"). */
export interface CustomHttpTtsConfig {
  TTSType: 'custom';
  /** Your service's API key. Never printed. */
  APIKey: string;
  /** Your service's URL. */
  APIUrl: string;
  /** The audio format. Default `wav`. */
  AudioFormat?: 'pcm' | 'wav';
  /** The sample rate in Hz. At least 1. Default 16000. */
  SampleRate?: number;
  /** The number of audio channels. 1 to 2. Default 1. */
  AudioChannel?: 1 | 2;
}

/** Your own TTS service over HTTP (`ttsType` "custom"), with camelCase keys. */
export interface CustomHttpTtsConfigCamel {
  ttsType: 'custom';
  /** Your service's API key. Never printed. */
  apiKey: string;
  /** Your service's URL. */
  apiUrl: string;
  /** The audio format. Default `wav`. */
  audioFormat?: 'pcm' | 'wav';
  /** The sample rate in Hz. At least 1. Default 16000. */
  sampleRate?: number;
  /** The number of audio channels. 1 to 2. Default 1. */
  audioChannel?: 1 | 2;
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
  | TencentTtsConfigCamel
  | MinimaxTtsConfigCamel
  | VolcengineTtsConfigCamel
  | AzureTtsConfigCamel
  | CustomHttpTtsConfigCamel;
// </generated: request-types>

/**
 * The parameters of CreateAICall in camelCase (the service's PascalCase names are accepted too), plus
 * `extraParams`. `undefined` and `null` mean "not set". An unknown property is a `ValidationError` naming it.
 *
 * Mind the units: the service mixes milliseconds and seconds, and each property says which it takes
 * (`maxDuration` is milliseconds of *user silence*, not the call length).
 */
export interface CreateAiCallParams {
  // <generated: CreateAiCallParams>
  /** `SdkAppId` (required): Your CCC application id, a positive integer (from the CCC console). */
  sdkAppId: number;
  /**
   * `Callee` (required): The number to call, with its country code: +86 130 1234 5678 or 008613012345678. Sent as 00 +
   * country code + number; a number without one needs the client's default country code.
   */
  callee: string;
  /**
   * `LLMType` (required): The LLM protocol. "openai" covers GPT, Hunyuan, DeepSeek and other OpenAI-compatible APIs.
   */
  llmType: LlmType;
  /** `APIKey` (required): The LLM provider's API key. Never printed. */
  apiKey: string;
  /**
   * `APIUrl` (required): The LLM base URL, e.g. `https://api.openai.com/v1/`. For "azure":
   * `https://{resource}.openai.azure.com?api-version=...` or an `/openai/v1/` endpoint.
   */
  apiUrl: string;
  /** `SystemPrompt`: The global prompt: the agent's persona, rules and task. Required unless `llmType` is "dify". */
  systemPrompt?: string;
  /** `Model`: The model name, e.g. gpt-4o-mini, deepseek-chat, hunyuan-turbo. Required unless `llmType` is "dify". */
  model?: string;
  /** `VoiceType`: A built-in voice; leave it unset when `customTtsConfig` is given. */
  voiceType?: VoiceType;
  /** `Callers`: Caller-ID numbers to call from. */
  callers?: string[];
  /** `WelcomeMessage`: The greeting. */
  welcomeMessage?: string;
  /**
   * `WelcomeType`: Who speaks first. `0` = speak `welcomeMessage`, or wait for the callee when it is empty; `1` = the
   * LLM greets first.
   */
  welcomeType?: 0 | 1;
  /**
   * `WelcomeMessagePriority`: Whether the greeting can be interrupted. `0` = it can be interrupted; `2` = it cannot.
   * Default 0.
   */
  welcomeMessagePriority?: 0 | 2;
  /**
   * `MaxDuration`: User silence before the call is hung up; not the call length (see `maxCallDurationMs`). In
   * milliseconds, at least 1000. Default 60000.
   */
  maxDuration?: number;
  /**
   * `Languages`: ASR languages; the first is the primary one. zh-dialect must stand alone. 1 to 4 entries, no two
   * alike.
   */
  languages?: AsrLanguage[];
  /**
   * `InterruptMode`: Whether the callee can interrupt the agent. `0` = the callee can interrupt; `1` = no interruption.
   * Default 0.
   */
  interruptMode?: 0 | 1;
  /**
   * `InterruptSpeechDuration`: Callee speech that interrupts the agent (with `interruptMode` 0). In milliseconds.
   * Default 500.
   */
  interruptSpeechDuration?: number;
  /** `EndFunctionEnable`: Let the agent hang up (the call_end function). */
  endFunctionEnable?: boolean;
  /** `EndFunctionDesc`: When the agent should hang up, for the LLM. */
  endFunctionDesc?: string;
  /** `TransferFunctionEnable`: Let the agent transfer the call to a human (the transfer_to_human function). */
  transferFunctionEnable?: boolean;
  /** `TransferItems`: The transfer-to-human tools. */
  transferItems?: Array<AiTransferItem | AiTransferItemWire>;
  /** `TransferToAgentEnable`: Let the agent hand the call over to another AI agent. */
  transferToAgentEnable?: boolean;
  /** `TransferToAgentItems`: The transfer-to-agent tools. */
  transferToAgentItems?: Array<TransferToAgentItem | TransferToAgentItemWire>;
  /** `NotifyDuration`: Callee silence before the agent nudges. In seconds, at least 10. Default 10. */
  notifyDuration?: number;
  /** `NotifyMessage`: The nudge. */
  notifyMessage?: string;
  /** `NotifyMaxCount`: The most nudges per call (unset: no limit). */
  notifyMaxCount?: number;
  /** `CustomTTSConfig`: Your own TTS vendor, instead of a built-in `voiceType`. Its credentials are never printed. */
  customTtsConfig?: CustomTtsConfig | CustomTtsConfigCamel | string;
  /** `PromptVariables`: Variables substituted into the prompt. */
  promptVariables?: Array<Variable | VariableWire>;
  /** `VadSilenceTime`: Silence that ends an utterance (ASR VAD). In milliseconds, 240 to 2000. Default 1000. */
  vadSilenceTime?: number;
  /** `ExtractConfig`: Information to extract from the conversation after the call. */
  extractConfig?: Array<ExtractConfigElement | ExtractConfigElementWire>;
  /** `Temperature`: The LLM's temperature. 0 to 2. */
  temperature?: number;
  /** `Variables`: General variables: prompt and greeting variables, welcome-message-delay (s), dify-inputs-*. */
  variables?: Array<Variable | VariableWire>;
  /** `TopP`: The LLM's top_p. 0 to 1. */
  topP?: number;
  /** `VadLevel`: Far-field voice suppression: 0 is off, 2 is recommended. 0 to 3. Default 0. */
  vadLevel?: 0 | 1 | 2 | 3;
  /** `ToneWord`: Filler words played while the LLM is slow to answer. */
  toneWord?: ToneWord | ToneWordWire;
  /**
   * `EnableComplianceAudio`: Play the "AI-generated" compliance tone; turning it off makes labelling the call your
   * duty. Default true.
   */
  enableComplianceAudio?: boolean;
  /** `EnableVoicemailDetection`: Detect voicemail. */
  enableVoicemailDetection?: boolean;
  /** `VoicemailAction`: What to do on voicemail: 0 hangs up. Default 0. */
  voicemailAction?: number;
  /** `LLMExtraBody`: Extra fields for the LLM's request body: a JSON object (or its text). */
  llmExtraBody?: Record<string, unknown> | string;
  /** `MaxCallDurationMs`: The longest the call may last. In milliseconds, at least 1000. */
  maxCallDurationMs?: number;
  /** `MaxRingTimeoutSecond`: How long to let it ring (your own numbers only). In seconds. */
  maxRingTimeoutSecond?: number;
  /** `AmbientSoundType`: Background sound. */
  ambientSoundType?: 'coffee_shops' | 'busy_office';
  /** `AmbientSoundVolume`: The background sound's volume. 0 to 2. Default 1. */
  ambientSoundVolume?: number;
  /**
   * `AcquireTimeoutSecond`: How long to queue when the AI agent concurrency is exhausted. In seconds, 0 to 5.
   * Default 5.
   */
  acquireTimeoutSecond?: number;
  /** `CustomSTTConfig`: A custom STT configuration (JSON; ask Tencent before using it). Never printed. */
  customSttConfig?: Record<string, unknown> | string;
  /**
   * `ExtraParams`: Raw wire parameters the service added after this SDK, sent as given. Their keys are the service's
   * own (PascalCase) names; a modelled parameter is refused here.
   */
  extraParams?: Record<string, unknown>;
  // </generated: CreateAiCallParams>
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
  | 'cancelled'
  | 'call_not_live'
  | 'wait_timed_out'
  | 'store_unavailable';

/** Fields that `CccError` subclasses may be constructed with. */
export interface CccErrorProps {
  kind?: ErrorKind;
  outcomeUnknown?: boolean;
  code?: string;
  requestId?: string;
  httpStatus?: number;
  cause?: unknown;
  /** With an outcome-unknown error of `createAiCall`: the call it may have placed (see `reconcile`). */
  sdkAppId?: number;
  callee?: string;
  sentAt?: Date;
}

/**
 * What an outcome-unknown error of `createAiCall` (or of a campaign item) knows of the call it may have placed:
 * enough for `client.reconcile(error)` to find it.
 */
export interface AttemptedCall {
  /** The app it was placed in. */
  readonly sdkAppId?: number;
  /** The number, in the service's form (`008613012345678`). */
  readonly callee?: string;
  /** When the request left. */
  readonly sentAt?: Date;
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
/**
 * `FailedOperation*`, `LimitExceeded*`, `OperationDenied*`, `ResourceNotFound*`, ...: the service declined the
 * call.
 */
export declare class CallRejectedError extends ApiError {}
/**
 * `FailedOperation.SessionNotExists`, `FailedOperation.SessionNotInControlState`: `hangUp`, `say` or `transfer`
 * found the call over, or not in a state that takes it.
 */
export declare class CallNotLiveError extends CallRejectedError {
  readonly kind: 'call_not_live';
}
/** `InternalError*`: the service failed; `outcomeUnknown` is true (it may have dialled). */
export declare class InternalServerError extends ApiError implements AttemptedCall {
  readonly sdkAppId?: number;
  readonly callee?: string;
  readonly sentAt?: Date;
}
/** Nothing reached the service (DNS, connect, TLS). */
export declare class ApiConnectionError extends CccError {}
/** Timed out before the request was sent (connecting). */
export declare class ApiTimeoutError extends ApiConnectionError {}
/**
 * The request was sent and no definitive answer came back (timeout, dropped connection, 5xx, unreadable body,
 * or an abort while in flight): the call may have been placed. `outcomeUnknown` is true.
 */
export declare class OutcomeUnknownError extends CccError implements AttemptedCall {
  constructor(message?: string, props?: CccErrorProps & { timedOut?: boolean });
  /** The answer did not come within `timeoutMs`. */
  readonly timedOut: boolean;
  readonly sdkAppId?: number;
  readonly callee?: string;
  readonly sentAt?: Date;
}
/**
 * `createAiCall` with an `idempotencyKey` that an earlier attempt holds, whose call is not known to have been placed:
 * that attempt is still in flight (`inFlight`), or ended with its outcome unknown. Nothing was sent now; the earlier
 * attempt may have dialled, so `outcomeUnknown` is true, and `client.reconcile(error)` looks for its call. The
 * message names the key.
 */
export declare class IdempotencyKeyPendingError extends OutcomeUnknownError {
  constructor(
    message?: string,
    props?: CccErrorProps & { timedOut?: boolean; idempotencyKey?: string; inFlight?: boolean },
  );
  readonly idempotencyKey: string;
  /** The earlier attempt is still in flight (else it ended with its outcome unknown). */
  readonly inFlight: boolean;
}
/**
 * The shared store (`redisUrl`) could not be reached or refused the operation, so nothing was sent
 * (`outcomeUnknown` false): a CreateAICall that needs a turn of the shared rate limit (unless `storeFallbackLocal`),
 * or any call with an `idempotencyKey`. The message names the store without its password. Safe to try again later.
 */
export declare class StoreUnavailableError extends CccError {
  readonly kind: 'store_unavailable';
}
/**
 * `waitForCall` ran out of time before the call ended (or before its record appeared). Nothing is wrong with the
 * call: wait again, or look it up later.
 */
export declare class WaitTimeoutError extends CccError {
  constructor(message?: string, props?: CccErrorProps & { sessionId?: string; lastStatus?: string | null });
  readonly kind: 'wait_timed_out';
  readonly sessionId?: string;
  /** The call's live status when the time ran out (`finished` when its record had not yet appeared). */
  readonly lastStatus: string | null;
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
  /** Requests per second it accepts for each action (default 20, the service's); `0` turns its limit off. */
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

/** One sentence of a scripted transcript. */
export interface ScriptTurn {
  role: 'ai' | 'user';
  text: string;
}

/** One scripted extraction result; `value` has the type its `type` names. */
export type ScriptExtracted = { name: string; description?: string } & (
  | { type: 'Text'; value: string }
  | { type: 'Selector'; value: string[] }
  | { type: 'Boolean'; value: boolean }
  | { type: 'Number'; value: number }
);

/** How calls to one callee go; every field is optional. */
export interface CallScript {
  /** The service's `EndStatus` (default 1, answered). Answered: 1 and 225–233; any other code ends unanswered. */
  endStatus?: number;
  /** How long it rings (ms); default `ringingMs`. 0 ends an unanswered call at once. */
  ringMs?: number;
  /** How long an answered call talks (ms); default `talkingMs`. */
  talkMs?: number;
  /** What was said (default: an AI greeting and a user reply). */
  transcript?: ScriptTurn[];
  /** What the post-call extraction found (default none). */
  extracted?: ScriptExtracted[];
  /** `HungUpSide` of the record. */
  hangupSide?: 'user' | 'seat' | 'system';
  /** How long after the end the record appears in DescribeTelCdr (ms, default 0). */
  cdrDelayMs?: number;
  /** How long after the end the transcript appears (ms, default 0). */
  asrDelayMs?: number;
  /** How long after the end the extraction appears (ms, default 0). */
  extractDelayMs?: number;
  /** Whether the record has a `RecordURL` (default true for answered calls). */
  recording?: boolean;
}

/**
 * How the emulator authenticates its pushes (the console's three modes). The receiving side is `PushAuth`, whose
 * OAuth2 issues the tokens the emulator fetches from `tokenUrl`.
 */
export type EmulatorPushAuth =
  | { type: 'none' }
  | { type: 'basic'; username: string; password: string }
  | { type: 'oauth2'; tokenUrl: string; clientId: string; clientSecret: string };

/** Where and how the emulator pushes (`emulator.setPush`); only `url` is required. */
export interface EmulatorPushConfig {
  /** The receiver; `?action=cdr&version=1` or `?action=record&version=1` is appended. */
  url: string;
  /** Default `{ type: 'none' }`. */
  auth?: EmulatorPushAuth;
  /** Push call records. Default true. */
  cdr?: boolean;
  /** Push recordings of recorded calls. Default true. */
  recording?: boolean;
  /** Re-pushes after the first attempt when it is not acknowledged. Default 3, the service's. */
  retries?: number;
  /** Between attempts (ms). Default 500 (the service's interval is not documented). */
  retryDelayMs?: number;
  /** How long a reply is waited for (ms); a later one counts as none. Default 5000. */
  timeoutMs?: number;
  /** Send every push once more, same id, after it was acknowledged. Default false. */
  duplicate?: boolean;
  /** Send what is due together newest first: a call's recording before its record. Default false. */
  reorder?: boolean;
}

/** One HTTP request of a push. */
export interface EmulatorPushAttempt {
  /** When it was sent, in milliseconds since the Unix epoch. */
  sentAtMs: number;
  /** The extra copy `duplicate` sends after the acknowledgement. */
  duplicate: boolean;
  /** The HTTP status, when an answer came. */
  status: number | null;
  /** The answer's `ErrCode`, when it was JSON with one. */
  errCode: number | null;
  /** Why there was no answer, or why no OAuth2 token could be had. */
  error: string | null;
}

/** One push the emulator made and what became of it. */
export interface EmulatorPush {
  /** `X-TCCC-PUSH-UUID`, the same on every attempt. */
  pushId: string;
  /** `cdr` for a call record, `record` for a recording. */
  action: 'cdr' | 'record';
  sessionId: string;
  /** The body as sent (wire names). */
  body: Record<string, unknown>;
  attempts: EmulatorPushAttempt[];
  /** An attempt (not the duplicate) was answered 2xx with `ErrCode` 0. */
  acknowledged: boolean;
}

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
  /** How calls to `callee` (any form; `'*'`: every callee without a script) go from now on. */
  script(callee: string, script?: CallScript): void;
  /** Forget every script. */
  clearScripts(): void;
  /**
   * Push every finished call's record (and a recorded call's recording) to a receiver, as the service does; `null`
   * stops pushing. A bad setting throws a `TypeError` naming it and changes nothing.
   */
  setPush(config: EmulatorPushConfig | null): void;
  /** Every push made so far, oldest first, with each attempt's answer. */
  pushes(): EmulatorPush[];
  setRateLimit(requestsPerSecond: number): void;
  setClockOffset(secs: number): void;
  /** Forget calls, counters, faults, sessions, scripts and the push log (the push settings stay). */
  reset(): void;
  /** Stop serving. */
  stop(): Promise<void>;
}
