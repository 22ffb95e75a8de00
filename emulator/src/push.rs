//! The service's data pushes: with a push URL configured (the console's "Data Push" page, which has no API), every
//! finished call's record goes to `URL?action=cdr&version=1` and, for a recorded call, its recording to
//! `URL?action=record&version=1`, as a JSON POST carrying `X-TCCC-PUSH-UUID`; a push that is not answered with
//! `ErrCode` 0 in time is pushed again with the same id, at most three times (OUTCOMES.md §11).
//!
//! Undocumented, chosen here and configurable: the re-push interval (500 ms here; the service's is unknown and
//! surely longer), the reply timeout (5 s), that only a 2xx answer whose JSON `ErrCode` is 0 counts as received,
//! the Basic header's form, and for OAuth2 a form POST `grant_type=client_credentials` to the token URL with the
//! client authenticated by HTTP Basic, the token then sent as `Authorization: Bearer` and fetched again after a 401
//! or when it expires. A recorded call yields one recording push here (the callee's side; the service sends one per
//! recorded party).

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ccc_aicall::field::{to_camel, to_snake, KeyCase};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use tokio::sync::watch;

use crate::outcomes::tel_cdr_info;
use crate::state::{unix_millis, Session, Shared, Status};

/// The fields of the CDR push (OUTCOMES.md §11.5) that a pulled record (`TelCdrInfo`) also has; the push adds
/// `SdkAppId` and `UserRemark`. The numeric `EndStatus` is not among the documented push fields, so it is not sent.
const CDR_PUSH_FIELDS: [&str; 24] = [
    "SessionId",
    "Caller",
    "Callee",
    "Direction",
    "CallType",
    "Duration",
    "SeatUser",
    "CallerLocation",
    "IVRDuration",
    "RingTimestamp",
    "AcceptTimestamp",
    "EndedTimestamp",
    "StartTimestamp",
    "IVRKeyPressed",
    "IVRKeyPressedEx",
    "HungUpSide",
    "ServeParticipants",
    "EndStatusString",
    "QueuedTimestamp",
    "PostIVRKeyPressed",
    "QueuedSkillGroupName",
    "QueuedSkillGroupId",
    "RecordId",
    "Uui",
];

/// The `Content-Type` of a push, as the service publishes it.
const CONTENT_TYPE: &str = "application/json;charset=utf8";
/// How often finished calls are looked for.
const TICK: Duration = Duration::from_millis(20);
/// A token is fetched again this long before it expires.
const TOKEN_MARGIN: Duration = Duration::from_secs(5);

/// How a push authenticates (the console's three modes).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PushAuth {
    #[default]
    None,
    Basic {
        username: String,
        password: String,
    },
    /// OAuth2 client credentials: a token is fetched from `token_url` first.
    #[serde(rename = "oauth2")]
    OAuth2 {
        token_url: String,
        client_id: String,
        client_secret: String,
    },
}

impl fmt::Debug for PushAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushAuth::None => f.write_str("None"),
            PushAuth::Basic { username, .. } => write!(f, "Basic {{ username: {username:?}, password: *** }}"),
            PushAuth::OAuth2 { token_url, client_id, .. } => {
                write!(f, "OAuth2 {{ token_url: {token_url:?}, client_id: {client_id:?}, client_secret: *** }}")
            }
        }
    }
}

/// Where and how the emulator pushes. Only `url` is required in the JSON form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushConfig {
    /// The receiver; `?action=...` is appended (with `&` when the URL already has a query).
    pub url: String,
    #[serde(default)]
    pub auth: PushAuth,
    /// Push call records.
    #[serde(default = "yes")]
    pub cdr: bool,
    /// Push recordings of recorded calls.
    #[serde(default = "yes")]
    pub recording: bool,
    /// Re-pushes after the first attempt (the service documents at most 3).
    #[serde(default = "default_retries")]
    pub retries: u32,
    #[serde(default = "default_retry_delay_ms")]
    pub retry_delay_ms: u64,
    /// How long a reply is waited for; a later one counts as none.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Send every push once more after it was acknowledged (same id), as an at-least-once sender may.
    #[serde(default)]
    pub duplicate: bool,
    /// Send what is due together newest first, one after the other: a call's recording before its record, later
    /// calls before earlier ones.
    #[serde(default)]
    pub reorder: bool,
}

/// A receiver URL that passes, for trying one setting at a time.
const PROBE_URL: &str = "http://127.0.0.1/";

/// `auth` with its keys renamed; every field is text, and a field its type does not have is refused (it would be
/// ignored, and a `token_url` beside `"type": "basic"` means the wrong type was chosen).
fn auth_from(value: Value, named: &dyn Fn(&str) -> String) -> Result<Value, String> {
    let Value::Object(fields) = value else {
        return Err("`auth` must be an object with a `type`: 'none', 'basic' or 'oauth2'".into());
    };
    let mut renamed = Map::new();
    for (key, value) in &fields {
        if !value.is_string() {
            return Err(format!("`auth.{key}` must be a string"));
        }
        renamed.insert(to_snake(key), value.clone());
    }
    let probe = json!({"url": PROBE_URL, "auth": renamed});
    let config = serde_json::from_value::<PushConfig>(probe).map_err(|e| auth_problem(&e.to_string(), named))?;
    let known = serde_json::to_value(&config.auth).unwrap_or_default();
    if let Some(key) = fields.keys().find(|k| known.get(to_snake(k)).is_none()) {
        let kind = known.get("type").and_then(Value::as_str).unwrap_or_default();
        return Err(format!("`auth.{key}` is not a field of the '{kind}' type"));
    }
    Ok(Value::Object(renamed))
}

fn setting_problem(key: &str, message: &str, named: &dyn Fn(&str) -> String) -> String {
    if message.starts_with("unknown field") {
        let known = serde_json::to_value(PushConfig::new(PROBE_URL)).unwrap_or_default();
        let names: Vec<String> = known.as_object().map(|m| m.keys().map(|k| named(k)).collect()).unwrap_or_default();
        return format!("`{key}` is not a push setting (they are {})", names.join(", "));
    }
    format!("`{key}` {}", without_value(message))
}

fn auth_problem(message: &str, named: &dyn Fn(&str) -> String) -> String {
    if let Some(rest) = message.strip_prefix("missing field `") {
        return format!("`auth.{}` is required", named(rest.split('`').next().unwrap_or_default()));
    }
    if message.starts_with("unknown variant") {
        return "`auth.type` must be 'none', 'basic' or 'oauth2'".into();
    }
    match message.split_once(", expected ") {
        Some(_) => format!("`auth` {}", without_value(message)),
        // Whatever else serde says might quote a secret.
        None => "`auth` is not valid".into(),
    }
}

/// serde's `invalid type: integer `5`, expected a string` as `must be a string`: the value may be a secret.
fn without_value(message: &str) -> String {
    match message.split_once(", expected ") {
        Some((_, expected)) => {
            let expected = match expected.split(" at line").next().unwrap_or(expected) {
                "u32" | "u64" => "a whole number, 0 or more",
                other => other,
            };
            format!("must be {expected}")
        }
        None => "is not valid".to_string(),
    }
}

fn yes() -> bool {
    true
}
fn default_retries() -> u32 {
    3
}
fn default_retry_delay_ms() -> u64 {
    500
}
fn default_timeout_ms() -> u64 {
    5000
}

impl PushConfig {
    /// Push to `url` without authentication, with the defaults above.
    pub fn new(url: impl Into<String>) -> Self {
        PushConfig {
            url: url.into(),
            auth: PushAuth::None,
            cdr: true,
            recording: true,
            retries: default_retries(),
            retry_delay_ms: default_retry_delay_ms(),
            timeout_ms: default_timeout_ms(),
            duplicate: false,
            reorder: false,
        }
    }

    /// From its JSON form (snake_case keys); the URL must be http(s).
    pub fn from_value(value: Value) -> Result<Self, String> {
        PushConfig::from_value_in(value, KeyCase::Snake)?.ok_or_else(|| "push settings must be an object".into())
    }

    /// From its JSON form with keys in `case` (`retryDelayMs` or `retry_delay_ms`); `null` is `None` (no pushes). A
    /// bad setting is refused naming it in the caller's spelling, and no message quotes a value: it may be a
    /// password or a client secret.
    pub fn from_value_in(value: Value, case: KeyCase) -> Result<Option<Self>, String> {
        let named = |snake: &str| match case {
            KeyCase::Camel => to_camel(snake),
            _ => snake.to_string(),
        };
        let fields = match value {
            Value::Null => return Ok(None),
            Value::Object(fields) => fields,
            _ => return Err("push settings must be an object, or null to stop pushing".into()),
        };
        let mut renamed = Map::new();
        for (key, value) in fields {
            let snake = to_snake(&key);
            let value = if snake == "auth" { auth_from(value, &named)? } else { value };
            // One setting at a time, beside a URL that passes: the message can then name it.
            let probe = Map::from_iter([("url".to_string(), json!(PROBE_URL)), (snake.clone(), value.clone())]);
            if let Err(e) = serde_json::from_value::<PushConfig>(Value::Object(probe)) {
                return Err(setting_problem(&key, &e.to_string(), &named));
            }
            renamed.insert(snake, value);
        }
        let config: PushConfig = serde_json::from_value(Value::Object(renamed)).map_err(|e| match e.to_string() {
            m if m.starts_with("missing field `url`") => "`url` is required".to_string(),
            _ => "the push settings are not valid".to_string(),
        })?;
        config.check().map_err(|e| e.replace("`token_url`", &format!("`auth.{}`", named("token_url"))))?;
        Ok(Some(config))
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        let http = |url: &str| url.starts_with("http://") || url.starts_with("https://");
        if !http(&self.url) {
            return Err(format!("`url` must be an http:// or https:// URL, got `{}`", self.url));
        }
        if let PushAuth::OAuth2 { token_url, .. } = &self.auth {
            if !http(token_url) {
                return Err(format!("`token_url` must be an http:// or https:// URL, got `{token_url}`"));
            }
        }
        Ok(())
    }

    fn url_for(&self, action: &str) -> String {
        let query =
            if action == "cdr" || action == "record" { format!("action={action}&version=1") } else { action.into() };
        let joiner = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{joiner}{query}", self.url)
    }
}

/// One push and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PushRecord {
    /// `X-TCCC-PUSH-UUID`, the same on every attempt.
    pub push_id: String,
    /// `cdr` or `record`.
    pub action: String,
    pub session_id: String,
    pub body: Value,
    /// In order; a duplicate sent after the acknowledgement is marked so.
    pub attempts: Vec<PushAttempt>,
    /// An attempt (not a duplicate) was answered 2xx with `ErrCode` 0.
    pub acknowledged: bool,
}

/// One HTTP request of a push.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PushAttempt {
    /// Unix milliseconds (real clock) when it was sent.
    pub sent_at_ms: u64,
    pub duplicate: bool,
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    /// The answer's `ErrCode`, when it was JSON with one.
    pub err_code: Option<i64>,
    /// Why there was no answer, or why the token could not be had.
    pub error: Option<String>,
}

impl PushAttempt {
    fn acknowledged(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s)) && self.err_code == Some(0)
    }
}

/// The emulator's pushing side: its settings and its log.
#[derive(Default)]
pub(crate) struct Pushes {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    config: Option<PushConfig>,
    /// Sessions whose pushes are made (pushed or being pushed).
    queued: HashSet<String>,
    log: Vec<PushRecord>,
    /// Bumped by a reset, so that a delivery started before it does not write into the new log.
    generation: u64,
    token: Option<(String, Instant)>,
}

impl Pushes {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn configure(&self, config: Option<PushConfig>) {
        let mut inner = self.lock();
        inner.config = config;
        inner.token = None;
    }

    pub(crate) fn config(&self) -> Option<PushConfig> {
        self.lock().config.clone()
    }

    pub(crate) fn log(&self) -> Vec<PushRecord> {
        self.lock().log.clone()
    }

    /// Forget the log and which calls were pushed (the settings stay).
    pub(crate) fn reset(&self) {
        let mut inner = self.lock();
        inner.queued.clear();
        inner.log.clear();
        inner.generation += 1;
    }

    fn update(&self, generation: u64, index: usize, f: impl FnOnce(&mut PushRecord)) {
        let mut inner = self.lock();
        if inner.generation == generation {
            if let Some(record) = inner.log.get_mut(index) {
                f(record);
            }
        }
    }
}

/// Until shutdown: every tick, the calls that finished and whose record is out get their pushes.
pub(crate) async fn run(shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let mut http: Option<reqwest::Client> = None;
    loop {
        tokio::select! {
            _ = shutdown.changed() => return,
            _ = tokio::time::sleep(TICK) => {}
        }
        let Some(config) = shared.pushes.config() else { continue };
        let due = due(&shared, &config);
        if due.is_empty() {
            continue;
        }
        let client = match &http {
            Some(c) => c.clone(),
            None => match reqwest::Client::builder().build() {
                Ok(c) => http.insert(c).clone(),
                Err(_) => continue,
            },
        };
        let config = Arc::new(config);
        if config.reorder {
            let (shared, client, config) = (shared.clone(), client.clone(), config.clone());
            tokio::spawn(async move {
                for job in due.into_iter().rev() {
                    deliver(&shared, &client, &config, job).await;
                }
            });
        } else {
            for job in due {
                tokio::spawn(deliver_owned(shared.clone(), client.clone(), config.clone(), job));
            }
        }
    }
}

/// A push entered in the log, to be delivered.
struct Job {
    generation: u64,
    index: usize,
    url: String,
    push_id: String,
    body: String,
}

/// The pushes of every call that is finished, has its record out and was not pushed yet, oldest call first, each
/// call's record before its recording.
fn due(shared: &Shared, config: &PushConfig) -> Vec<Job> {
    let now = Instant::now();
    // Lock order: the push log, then the sessions (nothing takes them the other way round).
    let mut inner = shared.pushes.lock();
    let mut ready = shared.sessions_where(|id, s| {
        !inner.queued.contains(id) && s.status(now) == Status::Finished && s.available(now, s.plan.cdr_delay_ms)
    });
    ready.sort_by(|(a_id, a), (b_id, b)| (a.created_ms, a_id).cmp(&(b.created_ms, b_id)));
    let mut jobs = Vec::new();
    for (session_id, s) in ready {
        inner.queued.insert(session_id.clone());
        let record = tel_cdr_info(shared, &session_id, &s, now);
        let mut bodies = Vec::new();
        if config.cdr {
            bodies.push(("cdr", cdr_body(&s, &record)));
        }
        if config.recording {
            if let Some(body) = recording_body(&s, &record) {
                bodies.push(("record", body));
            }
        }
        for (action, body) in bodies {
            let push_id = push_id();
            inner.log.push(PushRecord {
                push_id: push_id.clone(),
                action: action.to_string(),
                session_id: session_id.clone(),
                body: body.clone(),
                attempts: Vec::new(),
                acknowledged: false,
            });
            jobs.push(Job {
                generation: inner.generation,
                index: inner.log.len() - 1,
                url: config.url_for(action),
                push_id,
                body: body.to_string(),
            });
        }
    }
    jobs
}

fn cdr_body(s: &Session, record: &Value) -> Value {
    let mut body = Map::new();
    body.insert("SdkAppId".into(), json!(s.sdk_app_id));
    for key in CDR_PUSH_FIELDS {
        if let Some(value) = record.get(key) {
            body.insert(key.into(), value.clone());
        }
    }
    body.insert("UserRemark".into(), json!(""));
    Value::Object(body)
}

/// The callee side's recording, when the call was recorded.
fn recording_body(s: &Session, record: &Value) -> Option<Value> {
    let url = record.get("RecordURL").and_then(Value::as_str).filter(|u| !u.is_empty())?;
    Some(json!({
        "SdkAppId": s.sdk_app_id,
        "RecordId": record.get("RecordId").cloned().unwrap_or_default(),
        "SessionId": record.get("SessionId").cloned().unwrap_or_default(),
        "Timestamp": record.get("EndedTimestamp").cloned().unwrap_or_default(),
        "EndpointUser": s.callee,
        "RecordURL": url,
    }))
}

/// A random UUID (version 4 form).
fn push_id() -> String {
    let hex: String = (0..32).map(|_| char::from_digit(fastrand::u32(0..16), 16).unwrap_or('0')).collect();
    format!("{}-{}-4{}-a{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
}

async fn deliver_owned(shared: Arc<Shared>, client: reqwest::Client, config: Arc<PushConfig>, job: Job) {
    deliver(&shared, &client, &config, job).await;
}

/// The first attempt and up to `retries` more until one is acknowledged; then the duplicate, if asked for.
async fn deliver(shared: &Shared, client: &reqwest::Client, config: &PushConfig, job: Job) {
    for attempt in 0..=config.retries {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(config.retry_delay_ms)).await;
        }
        let sent = send(shared, client, config, &job, false).await;
        if sent {
            if config.duplicate {
                send(shared, client, config, &job, true).await;
            }
            return;
        }
    }
}

/// One request; whether it was acknowledged.
async fn send(shared: &Shared, client: &reqwest::Client, config: &PushConfig, job: &Job, duplicate: bool) -> bool {
    let sent_at_ms = unix_millis(std::time::SystemTime::now());
    let mut attempt = PushAttempt { sent_at_ms, duplicate, status: None, err_code: None, error: None };
    let timeout = Duration::from_millis(config.timeout_ms);
    let mut request = client
        .post(&job.url)
        .timeout(timeout)
        .header("Content-Type", CONTENT_TYPE)
        .header("X-TCCC-PUSH-UUID", &job.push_id)
        .body(job.body.clone());
    match &config.auth {
        PushAuth::None => {}
        PushAuth::Basic { username, password } => request = request.basic_auth(username, Some(password)),
        PushAuth::OAuth2 { token_url, client_id, client_secret } => {
            match token(shared, client, timeout, token_url, client_id, client_secret).await {
                Ok(token) => request = request.bearer_auth(token),
                Err(e) => attempt.error = Some(format!("token: {e}")),
            }
        }
    }
    if attempt.error.is_none() {
        match request.send().await {
            Ok(response) => {
                attempt.status = Some(response.status().as_u16());
                if response.status() == reqwest::StatusCode::UNAUTHORIZED {
                    shared.pushes.lock().token = None;
                }
                match tokio::time::timeout(timeout, response.bytes()).await {
                    Ok(Ok(bytes)) => {
                        attempt.err_code = serde_json::from_slice::<Value>(&bytes)
                            .ok()
                            .and_then(|v| v.get("ErrCode").and_then(Value::as_i64));
                    }
                    Ok(Err(e)) => attempt.error = Some(describe(&e)),
                    Err(_) => attempt.error = Some("the reply's body did not come in time".into()),
                }
            }
            Err(e) => attempt.error = Some(describe(&e)),
        }
    }
    let acknowledged = attempt.acknowledged();
    shared.pushes.update(job.generation, job.index, |record| {
        record.attempts.push(attempt);
        if acknowledged && !duplicate {
            record.acknowledged = true;
        }
    });
    acknowledged
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "no reply in time".into()
    } else if e.is_connect() {
        "connection refused or failed".into()
    } else {
        "the connection broke".into()
    }
}

/// The cached token, or a new one from the token URL.
async fn token(
    shared: &Shared,
    client: &reqwest::Client,
    timeout: Duration,
    token_url: &str,
    client_id: &str,
    client_secret: &str,
) -> Result<String, String> {
    if let Some((token, expires)) = shared.pushes.lock().token.clone() {
        if expires > Instant::now() + TOKEN_MARGIN {
            return Ok(token);
        }
    }
    let response = client
        .post(token_url)
        .timeout(timeout)
        .basic_auth(client_id, Some(client_secret))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|e| describe(&e))?;
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if !status.is_success() {
        return Err(format!("the token URL answered {status}"));
    }
    let token = body.get("access_token").and_then(Value::as_str).ok_or("no access_token in the answer")?.to_string();
    let ttl = body.get("expires_in").and_then(Value::as_u64).unwrap_or(60);
    shared.pushes.lock().token = Some((token.clone(), Instant::now() + Duration::from_secs(ttl)));
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_action_is_appended_to_the_query() {
        let config = PushConfig::new("http://127.0.0.1:9/ccc");
        assert_eq!(config.url_for("cdr"), "http://127.0.0.1:9/ccc?action=cdr&version=1");
        let config = PushConfig::new("http://127.0.0.1:9/ccc?tenant=a");
        assert_eq!(config.url_for("record"), "http://127.0.0.1:9/ccc?tenant=a&action=record&version=1");
    }

    #[test]
    fn the_json_form_needs_only_a_url_and_hides_secrets_in_debug() {
        let config = PushConfig::from_value(json!({
            "url": "http://127.0.0.1:9/p",
            "auth": {"type": "basic", "username": "ccc", "password": "hunter2"},
        }))
        .unwrap();
        assert_eq!((config.retries, config.cdr, config.recording, config.duplicate), (3, true, true, false));
        assert!(!format!("{config:?}").contains("hunter2"));
        let oauth = json!({"url": "http://h/p", "auth": {"type": "oauth2", "token_url": "http://h/t",
            "client_id": "id", "client_secret": "s3cret"}});
        assert!(!format!("{:?}", PushConfig::from_value(oauth).unwrap()).contains("s3cret"));
        assert!(PushConfig::from_value(json!({"url": "ftp://h/p"})).unwrap_err().contains("`url`"));
        assert!(PushConfig::from_value(json!({"url": "http://h/p", "retrys": 2})).unwrap_err().contains("`retrys`"));
    }

    #[test]
    fn bad_settings_are_named_in_the_callers_spelling_without_their_values() {
        let camel = |v| PushConfig::from_value_in(v, KeyCase::Camel).unwrap_err();
        assert_eq!(
            camel(json!({"url": "http://h/p", "retryDelayMs": -1})),
            "`retryDelayMs` must be a whole number, 0 or more"
        );
        let e = camel(json!({"url": "http://h/p", "auth": {"type": "basic", "username": "u", "password": 31415926}}));
        assert_eq!(e, "`auth.password` must be a string");
        let e =
            camel(json!({"url": "http://h/p", "auth": {"type": "oauth2", "tokenUrl": "http://h/t", "clientId": "c"}}));
        assert_eq!(e, "`auth.clientSecret` is required");
        let e = PushConfig::from_value_in(
            json!({"url": "http://h/p", "auth": {"type": "basic", "username": "u"}}),
            KeyCase::Snake,
        )
        .unwrap_err();
        assert_eq!(e, "`auth.password` is required");
        assert_eq!(PushConfig::from_value_in(Value::Null, KeyCase::Camel), Ok(None));
    }

    #[test]
    fn push_ids_are_uuids_and_differ() {
        let (a, b) = (push_id(), push_id());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
    }
}
