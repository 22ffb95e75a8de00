'use strict';
// The thin JavaScript layer over the native module: typed errors, AbortSignal wiring, the caller's stack.
// Every behaviour (validation, signing, retries, rate limiting, classification) lives in the Rust core.

const { inspect, getSystemErrorMap } = require('node:util');
const { fileURLToPath } = require('node:url');
const { loadNative, loadEmulatorNative } = require('./platform.js');

// The runtime module: a checkout's build (`npm run build` writes it here), else the platform package. The
// emulator is a module of its own (package ccc-aicall-emulator), loaded by `Emulator.start()` only.
const native = loadNative('ccc-aicall', require('node:path').join(__dirname, 'ccc-aicall.node'), require);
// The version of the module that runs (the Rust crate's): one version for every package of a release.
const version = native.version();

// ---- errors -----------------------------------------------------------------------------------------

class CccError extends Error {
  constructor(message, props = {}) {
    super(message, props.cause === undefined ? undefined : { cause: props.cause });
    const defaults = /** @type {{ kind?: string, outcomeUnknown?: boolean }} */ (this.constructor);
    this.kind = props.kind ?? defaults.kind;
    this.outcomeUnknown = props.outcomeUnknown ?? defaults.outcomeUnknown;
    for (const key of ['code', 'requestId', 'httpStatus', 'sdkAppId', 'callee', 'sentAt']) {
      if (props[key] != null) this[key] = props[key];
    }
  }
}

class ValidationError extends CccError {
  constructor(message, props = {}) {
    super(message, props);
    this.errors = props.errors ?? [];
  }
}
class ConfigurationError extends CccError {}
class ApiError extends CccError {}
class AuthenticationError extends ApiError {}
class RateLimitError extends ApiError {}
class InvalidRequestError extends ApiError {}
class CallRejectedError extends ApiError {}
class CallNotLiveError extends CallRejectedError {}
class InternalServerError extends ApiError {}
class ApiConnectionError extends CccError {}
class ApiTimeoutError extends ApiConnectionError {}
class OutcomeUnknownError extends CccError {
  constructor(message, props = {}) {
    super(message, props);
    this.timedOut = props.timedOut ?? false;
  }
}
// An earlier `createAiCall` with the same idempotency key holds it and its call is not known to have been placed
// (still in flight, or ended with its outcome unknown): nothing was sent now, that earlier call may have rung.
class IdempotencyKeyPendingError extends OutcomeUnknownError {
  constructor(message, props = {}) {
    super(message, props);
    this.idempotencyKey = props.idempotencyKey;
    this.inFlight = props.inFlight ?? false;
  }
}
class StoreUnavailableError extends CccError {}
class WaitTimeoutError extends CccError {
  constructor(message, props = {}) {
    super(message, props);
    if (props.sessionId != null) this.sessionId = props.sessionId;
    this.lastStatus = props.lastStatus ?? null;
  }
}
class AbortError extends CccError {
  constructor(message = 'The operation was aborted before the request was sent', props = {}) {
    super(message, props);
    this.code = 'ABORT_ERR';
  }
}

// kind (the core's stable name) -> class, and each class's defaults.
const KINDS = {
  validation: ValidationError,
  config: ConfigurationError,
  authentication: AuthenticationError,
  rate_limited: RateLimitError,
  invalid_request: InvalidRequestError,
  call_rejected: CallRejectedError,
  call_not_live: CallNotLiveError,
  internal_server: InternalServerError,
  connection: ApiConnectionError,
  timeout: ApiTimeoutError,
  outcome_unknown: OutcomeUnknownError,
  cancelled: AbortError,
  wait_timed_out: WaitTimeoutError,
  store_unavailable: StoreUnavailableError,
};
const ERRORS = {
  CccError,
  ApiError,
  ...Object.fromEntries(Object.values(KINDS).map((c) => [c.name, c])),
  IdempotencyKeyPendingError,
};
for (const [name, cls] of Object.entries(ERRORS)) {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
  // A class of its own kind, else (IdempotencyKeyPendingError) its parent's.
  const kinds = Object.keys(KINDS);
  const kind = kinds.find((k) => KINDS[k] === cls) ?? kinds.find((k) => cls.prototype instanceof KINDS[k]);
  Object.defineProperties(cls, {
    kind: { value: kind },
    outcomeUnknown: { value: cls === InternalServerError || kind === 'outcome_unknown' },
  });
}

const MARKER = 'ccc-aicall-error:';

// The native error carries the core's error as JSON behind MARKER; rebuild it as its class with the
// caller's stack. The core's kind decides the class (a cancel after the request was sent is `outcome_unknown`).
function fromNative(err, site, signal) {
  if (!(err instanceof Error) || !String(err.message).startsWith(MARKER)) return err;
  return fromPayload(JSON.parse(err.message.slice(MARKER.length)), site, signal);
}

// The same payload, thrown or carried by a campaign item (`error`, `stoppedBy`), as its error class. An error the
// signal caused has the signal's reason as its `cause`. A file error is the platform's own, as `fs` throws it.
function fromPayload(p, site, signal) {
  if (p.io) return withStack(systemError(p.io, p.message), site);
  const { cancelled, attempt, ...props } = p;
  const cls = p.idempotencyKey != null ? IdempotencyKeyPendingError : (KINDS[p.kind] ?? CccError);
  const shown = attempt ? { sdkAppId: attempt.sdkAppId, callee: attempt.callee, sentAt: new Date(attempt.sentAt) } : {};
  const error = new cls(p.message, { ...props, ...shown, cause: cancelled ? signal?.reason : undefined });
  if (attempt) ATTEMPTS.set(error, attempt);
  return withStack(error, site);
}

// The call an outcome-unknown error may have placed, exactly as the core described it (the send time to the
// nanosecond), by error: what `client.reconcile(error)` hands back to the core.
const ATTEMPTS = new WeakMap();

// libuv's error numbers and descriptions by code (`ENOENT` -> [-2, 'no such file or directory'] on Linux).
let systemErrors;

// `code` (ENOENT, EACCES or EIO, from error.rs) as the Error `fs` makes. Not found and permission denied come from
// opening the file (the core opens each file it names before anything else), so `syscall` is `open` and the
// message is word for word `fs`'s; for any other failure the failing call is unknown and the platform's reason,
// which the core's message keeps, follows the code.
function systemError({ code, path }, reason) {
  systemErrors ??= new Map(
    [...getSystemErrorMap()].map(([errno, [name, description]]) => [name, { errno, description }]),
  );
  const { errno, description } = systemErrors.get(code);
  const syscall = code === 'EIO' ? undefined : 'open';
  const message = syscall ? `${code}: ${description}, ${syscall} '${path}'` : `${code}: ${reason}`;
  const props = syscall ? { errno, code, syscall, path } : { errno, code, ...(path == null ? {} : { path }) };
  return Object.assign(new Error(message), props);
}

// Frames of the user's call, captured before any await so the stack points at the caller's line. V8 formats a
// captured stack only when `.stack` is read, so a call that succeeds never pays for the formatting.
function callSite(fn) {
  const holder = {};
  Error.captureStackTrace(holder, fn);
  return holder;
}

function withStack(error, site) {
  const frames = site.stack.slice(site.stack.indexOf('\n') + 1);
  error.stack = `${error.name}: ${error.message}\n${frames}`;
  return error;
}

// ---- calls --------------------------------------------------------------------------------------

// Run one native call, with an optional AbortSignal wired to a native cancel handle. A signal that is already
// aborted rejects at once and sends nothing, as `fetch` does.
async function run(site, options, start) {
  const signal = options?.signal ?? undefined;
  if (signal?.aborted) throw withStack(new AbortError(undefined, { cause: signal.reason }), site);
  const handle = signal && new native.CancelHandle();
  const onAbort = () => handle.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await start(handle);
  } catch (e) {
    throw fromNative(e, site, signal);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

// ---- JSON for the core --------------------------------------------------------------------------

// How deep the core reads input (its MAX_INPUT_DEPTH; serde_json itself stops at 128 levels of JSON text).
const MAX_INPUT_DEPTH = 100;

// `value` as the JSON text the core reads. JSON has no NaN, Infinity or BigInt (`JSON.stringify` would send the
// first two as null, "not set", and throw a TypeError for the third), and a value nested deeper than the core
// reads, or one that contains itself, cannot be sent either. Each is thrown as `ErrorClass` (ValidationError for
// parameters, ConfigurationError for options) naming where it is, as the caller wrote it under `root`.
// With `dates`, a `Date` is sent as its Unix milliseconds (the follow-up actions' times), not as its ISO text.
/**
 * @param {{ root?: string, ErrorClass?: typeof ValidationError | typeof ConfigurationError, dates?: boolean }} [how]
 */
function toJson(value, site, how = {}) {
  const { root = '', ErrorClass = ValidationError, dates = false } = how;
  const quick = dates ? undefined : plainJson(value);
  if (quick !== undefined) return quick;
  const paths = new Map();
  let at = root;
  const refuse = (message) => {
    const text = at ? `${at}: ${message}` : message;
    const props = ErrorClass === ValidationError ? { errors: [{ field: at, message }] } : {};
    return withStack(new ErrorClass(ErrorClass === ValidationError ? `invalid request: ${text}` : text, props), site);
  };
  try {
    return JSON.stringify(value ?? null, function convert(key, v) {
      // `this` holds `v`; the outermost call's holder is a wrapper JSON.stringify makes, unknown to `paths`.
      const holder = paths.get(this);
      at = holder === undefined ? root : childPath(holder.path, key, Array.isArray(this));
      const depth = holder === undefined ? 0 : holder.depth + 1;
      if (dates && this[key] instanceof Date) v = this[key].getTime();
      if (typeof v === 'number' && !Number.isFinite(v)) throw refuse(`must be a finite number, not ${v}`);
      if (typeof v === 'bigint') throw refuse('must be a number, not a BigInt (JSON has none): pass Number(value)');
      if (v !== null && typeof v === 'object') {
        if (depth >= MAX_INPUT_DEPTH) throw refuse(`is nested more than ${MAX_INPUT_DEPTH} levels deep`);
        paths.set(v, { path: at, depth });
      }
      return v;
    });
  } catch (e) {
    // JSON.stringify finds a cycle right after handing the object that closes it to `convert`, at `at`.
    if (e instanceof TypeError && /circular/i.test(e.message)) throw refuse('refers to itself (a circular structure)');
    throw e;
  }
}

// `value` as JSON text when nothing in it needs refusing, else undefined: the common case at half the cost (the
// replacer above runs for every value). What the replacer refuses shows in plain `JSON.stringify` as a throw (BigInt,
// a cycle, V8's own depth limit), as `null` (NaN, the infinities) or as nesting; text with a `null` anywhere, or more
// than MAX_INPUT_DEPTH brackets (a bound on its depth), goes the precise way, whatever the reason.
function plainJson(value) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch {
    return undefined;
  }
  if (text === undefined || text.includes('null')) return undefined;
  const objects = occurrences(text, '{', MAX_INPUT_DEPTH);
  return objects + occurrences(text, '[', MAX_INPUT_DEPTH - objects) > MAX_INPUT_DEPTH ? undefined : text;
}

// How often `char` occurs in `text`, counting no further than `limit` + 1 (indexOf is faster than a loop over chars).
function occurrences(text, char, limit) {
  let n = 0;
  for (let i = text.indexOf(char); i !== -1 && n <= limit; i = text.indexOf(char, i + 1)) n++;
  return n;
}

function childPath(parent, key, inList) {
  if (inList) return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

// `signal` is this layer's; the other options (`idempotencyKey`) go to the native side, which refuses an unknown one.
async function placeCall(nativeClient, params, options, site) {
  const { signal, rest } = withoutSignal(options);
  const placed = await run(site, { signal }, (handle) =>
    nativeClient.createAiCall(toJson(params, site), optionalJson(rest, site), handle),
  );
  placed.placedAt = new Date(placed.placedAt);
  return placed;
}

let nativeOf;

class Client {
  #native;

  static {
    nativeOf = (client) => client.#native;
  }

  constructor(options) {
    const site = callSite(Client);
    const json = options === undefined ? undefined : toJson(options, site, { ErrorClass: ConfigurationError });
    try {
      this.#native = new native.NativeClient(json);
    } catch (e) {
      throw fromNative(e, site);
    }
  }

  createAiCall(params, options) {
    return placeCall(this.#native, params, options, callSite(this.createAiCall));
  }

  createAiCalls(calls, options) {
    return runCampaign(this.#native, calls, options, callSite(this.createAiCalls));
  }

  /** A named campaign as its shared journal records it now, seen from any worker (`{ name, items, counts }`). */
  campaignStatus(name) {
    const site = callSite(this.campaignStatus);
    return run(site, undefined, () => this.#native.campaignStatus(argJson(name, site)));
  }

  // ---- after the call is placed: the core reads the arguments (and names a bad one); see follow.rs.

  waitForCall(call, options) {
    const site = callSite(this.waitForCall);
    const { signal, rest } = withoutSignal(options);
    return run(site, { signal }, async (handle) =>
      toOutcome(await this.#native.waitForCall(...follow(site, call, rest), handle)),
    );
  }

  getCall(call, options) {
    const site = callSite(this.getCall);
    return run(site, undefined, async () => toCallState(await this.#native.getCall(...follow(site, call, options))));
  }

  hangUp(call, options) {
    const site = callSite(this.hangUp);
    return run(site, undefined, () => this.#native.hangUp(...follow(site, call, options)));
  }

  say(call, text, options) {
    const site = callSite(this.say);
    const [callJson, optionsJson] = follow(site, call, options);
    return run(site, undefined, () => this.#native.say(callJson, argJson(text, site), optionsJson));
  }

  transfer(call, skillGroupId, options) {
    const site = callSite(this.transfer);
    const [callJson, optionsJson] = follow(site, call, options);
    return run(site, undefined, () => this.#native.transfer(callJson, argJson(skillGroupId, site), optionsJson));
  }

  findCalls(callee, options) {
    const site = callSite(this.findCalls);
    return run(site, undefined, async () =>
      (await this.#native.findCalls(argJson(callee, site), optionalJson(options, site))).map(toOutcome),
    );
  }

  reconcile(error, options) {
    const site = callSite(this.reconcile);
    return run(site, undefined, async () =>
      toReconciled(await this.#native.reconcile(toJson(errorFacts(error), site), optionalJson(options, site))),
    );
  }

  request(action, params, options) {
    const site = callSite(this.request);
    return run(site, options, (handle) =>
      this.#native.request(String(action), params === undefined ? undefined : toJson(params, site), handle),
    );
  }

  /** The configuration in force, without secrets. */
  get config() {
    return this.#native.config;
  }

  // What the client shows of itself (the SecretId masked) is the core's: the same in Rust, Python and Node.
  toString() {
    return `Client(${this.#native.shown.map(([name, value]) => `${name}=${value ?? '-'}`).join(', ')})`;
  }

  [inspect.custom](_depth, options, inspectFn = inspect) {
    return `Client ${inspectFn(Object.fromEntries(this.#native.shown), options)}`;
  }
}

// ---- follow-up actions: arguments in, results out ------------------------------------------------

// `signal` is this layer's (an AbortSignal cannot cross as JSON); every other option goes to the core, which refuses
// an unknown one. Options that are not an object go as they are, for the core to refuse.
function withoutSignal(options) {
  if (options === null || typeof options !== 'object') return { signal: undefined, rest: options };
  const { signal, ...rest } = options;
  return { signal, rest };
}

function argJson(value, site) {
  return toJson(value, site, { dates: true });
}

function optionalJson(value, site) {
  return value === undefined ? undefined : argJson(value, site);
}

/** The call (a placed call or a session id) and the options, as the JSON the native methods take. */
function follow(site, call, options) {
  return [argJson(call, site), optionalJson(options, site)];
}

// What the core needs of an error to reconcile it: the call it carries (as the core described it, or, for an error
// built by hand, from its `sdkAppId`, `callee` and `sentAt`), and its message and request id.
function errorFacts(error) {
  const e = error !== null && typeof error === 'object' ? error : { message: String(error) };
  const byHand = e.callee != null && { sdkAppId: e.sdkAppId, callee: e.callee, sentAt: e.sentAt };
  return {
    message: String(e.message ?? ''),
    requestId: e.requestId,
    httpStatus: e.httpStatus,
    timedOut: e.timedOut,
    attempt: ATTEMPTS.get(e) ?? (byHand || undefined),
  };
}

const dateOf = (ms) => (ms == null ? null : new Date(ms));

// How long something took, for people: `850 ms`, `3.5 s`, `2 min 5 s`.
function seconds(ms) {
  if (ms == null) return '-';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${Number((ms / 1000).toFixed(1))} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

/**
 * How a call ended: plain data (`JSON.stringify` gives every field), which `console.log` shows as a summary (status,
 * durations, transcript lines) rather than the raw answers.
 */
class CallOutcome {
  constructor(raw) {
    Object.assign(this, raw);
    for (const key of ['startedAt', 'answeredAt', 'endedAt']) this[key] = dateOf(raw[key]);
    if (Array.isArray(raw.transcript)) {
      this.transcript = raw.transcript.map((t) => ({ ...t, start: dateOf(t.start), end: dateOf(t.end) }));
    }
  }

  [inspect.custom](depth, options, inspectFn = inspect) {
    const o = /** @type {any} */ (this);
    if (depth < 0) return `CallOutcome ${o.status} ${o.sessionId}`;
    const code = o.endStatus ?? '-';
    const lines = [
      `CallOutcome ${o.status} (${o.endStatusString ?? '-'}, ${code}) ${o.callee ?? ''}`.trimEnd(),
      `  rang ${seconds(o.ringDurationMs)}, talked ${seconds(o.talkDurationMs)}` +
        (o.hangupSide ? `, hung up by ${o.hangupSide}` : '') +
        (o.sysHangupReason ? ` (${o.sysHangupReason})` : ''),
      `  session ${o.sessionId}` + (o.startedAt ? `, started ${o.startedAt.toISOString()}` : ''),
    ];
    if (o.recordingUrl) lines.push(`  recording ${o.recordingUrl}`);
    for (const turn of o.transcript ?? []) lines.push(`  ${turn.role}: ${turn.text}`);
    if (o.extracted) lines.push(`  extracted ${inspectFn(o.extracted, { ...options, breakLength: Infinity })}`);
    if (o.missing?.length) lines.push(`  missing ${o.missing.join(', ')}`);
    return lines.join('\n');
  }
}

function toOutcome(raw) {
  return new CallOutcome(raw);
}

function toCallState(raw) {
  for (const key of ['startedAt', 'ringingAt', 'answeredAt']) raw[key] = dateOf(raw[key]);
  return raw;
}

function toReconciled(raw) {
  return { ...raw, calls: raw.calls.map(toOutcome) };
}

let defaultClient;

// Run `use` with the native client built from the environment on first use; a failed build is not kept.
function withDefaultClient(site, use) {
  try {
    defaultClient ??= new Client();
  } catch (e) {
    return Promise.reject(withStack(e, site));
  }
  return use(nativeOf(defaultClient));
}

function createAiCall(params, options) {
  const site = callSite(createAiCall);
  return withDefaultClient(site, (nativeClient) => placeCall(nativeClient, params, options, site));
}

function createAiCalls(calls, options) {
  const site = callSite(createAiCalls);
  return withDefaultClient(site, (nativeClient) => runCampaign(nativeClient, calls, options, site));
}

// ---- campaigns ----------------------------------------------------------------------------------

// The core runs the campaign; this wires `signal` and `onProgress` and rebuilds each item's error as its class.
// Options other than those two go to the core as JSON, where an unknown one is refused; a function there is
// kept visible (JSON would drop it) so that a misspelt `onprogress` is reported rather than ignored.
function runCampaign(nativeClient, calls, options, site) {
  const { onProgress, signal, ...rest } = options ?? {};
  if (onProgress != null && typeof onProgress !== 'function') {
    return Promise.reject(withStack(new ConfigurationError('onProgress must be a function'), site));
  }
  const shown = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, typeof value === 'function' ? '[function]' : value]),
  );
  const progress = onProgress && progressCallback(onProgress, site, signal);
  return run(site, { signal }, async (handle) => {
    const [callsJson, optionsJson] = [toJson(calls, site, { root: 'calls' }), toJson(shown, site)];
    const raw = await nativeClient.createAiCalls(callsJson, optionsJson, sourcesOf(calls), progress, handle);
    return toReport(raw, site, signal);
  });
}

// Where each call read by `readCallsCsv` came from (`patients.csv line 3`), keyed by the call object itself: the
// rows stay plain objects, and a row keeps its line however the array around it is sorted, filtered or extended.
// A copy of a row is a new object without a line, never with a wrong one.
const SOURCES = new WeakMap();

function sourcesOf(calls) {
  if (!Array.isArray(calls)) return undefined;
  // Array.from, not map: a hole in a sparse array still needs its (empty) label.
  const sources = Array.from(calls, (call) => (call !== null && typeof call === 'object' && SOURCES.get(call)) || '');
  return sources.some(Boolean) ? sources : undefined;
}

// Called by the native side on this thread, once per finished item and then with null when the campaign ends.
// What the user's callback throws (or its promise rejects with) must not escape into the native call: it
// becomes one process warning per campaign, and the campaign goes on.
function progressCallback(onProgress, site, signal) {
  let warned = false;
  const warn = (error) => {
    if (warned) return;
    warned = true;
    process.emitWarning(`onProgress threw; the campaign goes on: ${error?.message ?? error}`, {
      type: 'CccAicallWarning',
      code: 'CCC_AICALL_ON_PROGRESS',
      detail: error?.stack,
    });
  };
  return (raw) => {
    if (raw === null) return;
    try {
      const result = onProgress(toItem(raw, site, signal));
      if (typeof result?.then === 'function') result.then(undefined, warn);
    } catch (error) {
      warn(error);
    }
  };
}

function toItem(raw, site, signal) {
  if (raw.error != null) raw.error = fromPayload(raw.error, site, signal);
  if (raw.sentAt != null) raw.sentAt = new Date(raw.sentAt);
  if (raw.outcome != null) raw.outcome = toOutcome(raw.outcome);
  return raw;
}

/**
 * What a campaign did: plain data (`JSON.stringify` gives every field), which `console.log` shows as counts by
 * status (and by how the calls ended, when it waited for them) rather than every item.
 */
class CampaignReport {
  constructor(fields) {
    Object.assign(this, fields);
  }

  [inspect.custom](depth) {
    const r = /** @type {any} */ (this);
    const nonzero = (counts) => Object.entries(counts).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`);
    const head = `CampaignReport ${r.items.length} items`;
    if (depth < 0) return head;
    const lines = [`${head}: ${nonzero(r.counts).join(', ') || 'none'}`];
    const ended = {};
    for (const item of r.items) {
      if (item.outcome) ended[item.outcome.status] = (ended[item.outcome.status] ?? 0) + 1;
    }
    if (Object.keys(ended).length) lines.push(`  calls ended: ${nonzero(ended).join(', ')}`);
    const spent = Object.entries(r.requests ?? {}).map(([action, n]) => `${action} ${n}`);
    if (spent.length) lines.push(`  requests: ${spent.join(', ')}`);
    if (r.toReconcile.length) {
      lines.push(`  to reconcile: ${r.toReconcile.map((i) => `#${i.index} ${i.callee}`).join(', ')}`);
    }
    if (r.stoppedBy) lines.push(`  stopped by ${r.stoppedBy.name}: ${r.stoppedBy.message}`);
    if (r.waitError) lines.push(`  outcomes not collected: ${r.waitError.name}: ${r.waitError.message}`);
    return lines.join('\n');
  }
}

function toReport(raw, site, signal) {
  const items = raw.items.map((item) => toItem(item, site, signal));
  const { counts } = raw;
  const report = new CampaignReport({
    items,
    placed: counts.placed,
    failed: counts.failed,
    outcomeUnknown: counts.outcome_unknown,
    counts,
    toReconcile: raw.toReconcile.map((index) => items[index]),
    requests: raw.requests,
  });
  if (raw.stoppedBy != null) /** @type {any} */ (report).stoppedBy = fromPayload(raw.stoppedBy, site, signal);
  if (raw.waitError != null) /** @type {any} */ (report).waitError = fromPayload(raw.waitError, site, signal);
  return report;
}

/**
 * Read a CSV file of calls (UTF-8, a header row, one row per call) into plain call objects with camelCase keys;
 * each remembers its file line (see `SOURCES`) for the problems `createAiCalls` reports.
 */
async function readCallsCsv(path) {
  const site = callSite(readCallsCsv);
  let read;
  try {
    read = await native.readCallsCsv(path instanceof URL ? fileURLToPath(path) : String(path));
  } catch (e) {
    throw fromNative(e, site);
  }
  read.calls.forEach((call, i) => SOURCES.set(call, read.sources[i]));
  return read.calls;
}

// ---- data pushes --------------------------------------------------------------------------------

/**
 * A `(req, res)` handler for the service's data pushes (call records, recordings): `http.createServer(handler)` or
 * `app.post('/ccc/push', handler)`. The core authenticates, de-duplicates and decodes; the reply is sent first and
 * `onEvent` runs after it, so a slow handler never makes the service push again.
 */
function createPushHandler(options) {
  const site = callSite(createPushHandler);
  const { onEvent, onError, tokenPath, ...nativeOptions } = options ?? {};
  if (typeof onEvent !== 'function') throw withStack(new ValidationError('onEvent: must be a function'), site);
  if (onError !== undefined && typeof onError !== 'function') {
    throw withStack(new ValidationError('onError: must be a function'), site);
  }
  if (tokenPath !== undefined && (typeof tokenPath !== 'string' || !tokenPath.startsWith('/'))) {
    throw withStack(new ValidationError("tokenPath: must be a path starting with '/'"), site);
  }
  let receiver;
  try {
    receiver = new native.NativePushReceiver(JSON.stringify(nativeOptions));
  } catch (e) {
    throw fromNative(e, site);
  }
  const oauth2 = nativeOptions.auth?.type === 'oauth2';
  // With a shared store the receiver waits on Redis: off the event loop, so a slow Redis never holds it.
  const shared = typeof nativeOptions.redisUrl === 'string';
  const cap = nativeOptions.maxBodyBytes ?? native.defaultPushMaxBodyBytes();
  const report = (error, event) => {
    try {
      onError?.(error, event);
    } catch {
      // The reporter's own failure has nowhere left to go; the reply is already sent.
    }
  };
  const deliver = async (event) => {
    try {
      await onEvent(event);
    } catch (error) {
      report(error, event);
    }
  };

  return (req, res) => {
    const url = String(req.originalUrl ?? req.url ?? '/');
    const at = url.indexOf('?');
    const path = at < 0 ? url : url.slice(0, at);
    const query = at < 0 ? '' : url.slice(at + 1);
    const toToken = oauth2 && (tokenPath === undefined ? path.endsWith('/token') : path === tokenPath);
    const respond = async (body, tooLarge) => {
      const args = [String(req.method), query, req.rawHeaders ?? [], body];
      let answer;
      try {
        if (shared) answer = JSON.parse(await receiver.answerOffLoop(toToken, ...args));
        else answer = toToken ? receiver.token(...args) : receiver.handle(...args);
      } catch (error) {
        report(error, undefined);
        answer = { status: 500, headers: [], contentType: 'application/json', body: '{"ErrCode":500,"ErrMsg":""}' };
      }
      // The rest of an oversized body is not read: the connection closes after the answer.
      const headers = {
        'Content-Type': answer.contentType,
        ...Object.fromEntries(answer.headers),
        ...(tooLarge ? { Connection: 'close' } : {}),
      };
      res.writeHead(answer.status, headers);
      res.end(answer.body);
      if (answer.event) {
        const event = answer.event;
        if (event.outcome) event.outcome = toOutcome(event.outcome);
        setImmediate(() => void deliver(event));
      }
    };
    // A failure past the answer (a connection gone while writing) goes to onError, never to an unhandled rejection.
    readBody(req, cap, (body, tooLarge) => void respond(body, tooLarge).catch((error) => report(error, undefined)));
  };
}

// The body, or (past `cap`) its first `cap + 1` bytes, which the core refuses as too large. A body a framework's
// parser already read (`req.body` as a Buffer or string) is used as it is; one a JSON parser already turned into an
// object (express.json() mounted first: the stream is spent) is written back as JSON, rather than waited for.
function readBody(req, cap, done) {
  if (Buffer.isBuffer(req.body) || typeof req.body === 'string') {
    done(Buffer.from(req.body), false);
    return;
  }
  if (req.body !== null && typeof req.body === 'object' && req.readableEnded) {
    const json = Buffer.from(JSON.stringify(req.body));
    done(json.subarray(0, cap + 1), json.length > cap);
    return;
  }
  const chunks = [];
  let size = 0;
  let finished = false;
  const finish = (tooLarge) => {
    if (finished) return;
    finished = true;
    req.removeListener('data', onData);
    done(Buffer.concat(chunks, Math.min(size, cap + 1)), tooLarge);
  };
  const onData = (chunk) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size > cap) {
      finish(true);
      req.resume();
    }
  };
  req.on('data', onData);
  req.on('end', () => finish(false));
  // A request that broke off cannot be answered, and a partial body is not a push.
  req.on('error', () => {
    finished = true;
  });
}

// ---- emulator -----------------------------------------------------------------------------------

// Loaded by the first `Emulator.start()`: an application that never starts one never loads it.
let emulatorNative;

class Emulator {
  #native;

  /** Start a local CreateAICall service on 127.0.0.1 (a free port unless `port` is given). */
  static async start(options) {
    emulatorNative ??= loadEmulatorNative();
    const json = options === undefined ? undefined : JSON.stringify(options);
    return new Emulator(await emulatorNative.startEmulator(json));
  }

  constructor(handle) {
    this.#native = handle;
    this.endpoint = handle.endpoint;
    this.secretId = handle.credential()[0];
  }

  /** The test SecretKey the emulator accepts (not a real secret; kept out of inspect all the same). */
  get secretKey() {
    return this.#native.credential()[1];
  }

  /** With `tls: true`: the PEM certificate of the CA that signed its certificate (trust it with `caFile`). */
  get caPem() {
    return this.#native.caPem ?? undefined;
  }

  /** Options for `new Client(...)` that point at this emulator. */
  clientOptions() {
    return { endpoint: this.endpoint, secretId: this.secretId, secretKey: this.secretKey };
  }

  calls() {
    return this.#native.calls();
  }

  hits(action) {
    return this.#native.hits(action);
  }

  inject(fault) {
    this.#native.inject(JSON.stringify(fault));
  }

  /** How calls to `callee` go from now on (`'*'`: every callee without a script of its own). */
  script(callee, script = {}) {
    this.#native.script(callee, JSON.stringify(script));
  }

  clearScripts() {
    this.#native.clearScripts();
  }

  /**
   * Push every finished call's record (and a recorded call's recording) to `config.url` as the service does;
   * `null` stops pushing. A bad setting is a TypeError naming it, and changes nothing.
   */
  setPush(config) {
    if (config === undefined) throw new TypeError('emulator.setPush: pass the push settings, or null to stop pushing');
    try {
      this.#native.setPush(JSON.stringify(config));
    } catch (e) {
      throw e?.code === 'InvalidArg' ? new TypeError(`emulator.setPush: ${e.message}`) : e;
    }
  }

  /** Every push made so far, oldest first, with each attempt's answer. */
  pushes() {
    return this.#native.pushes();
  }

  setRateLimit(requestsPerSecond) {
    this.#native.setRateLimit(requestsPerSecond);
  }

  setClockOffset(secs) {
    this.#native.setClockOffset(secs);
  }

  reset() {
    this.#native.reset();
  }

  async stop() {
    this.#native.stop();
  }
}

module.exports = {
  Client,
  createAiCall,
  createAiCalls,
  readCallsCsv,
  createPushHandler,
  Emulator,
  CallOutcome,
  CampaignReport,
  version,
  ...ERRORS,
};
