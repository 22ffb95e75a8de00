//! What became of a placed call: its live state ([`CallState`], from DescribeTelSession), its outcome
//! ([`CallOutcome`], from its call record, DescribeTelCdr, plus its transcript and extracted fields), and how an
//! outcome-unknown call is settled ([`Reconciled`]).
//!
//! One decoder reads a call record ([`CallOutcome::from_record`]) whether it was pulled (DescribeTelCdr) or pushed
//! (the CDR data push). Every field is optional when decoding (the service adds fields often and documents several
//! as optional); numbers that arrive as strings are read too.

pub mod status;

use crate::client::AiCallResult;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use status::{CallStatus, EndStatus, END_STATUSES};

/// What identifies a placed call for the actions that follow it. Built from a [`AiCallResult`] (`(&result).into()`)
/// or from a session id and its app ([`CallRef::new`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallRef {
    pub session_id: String,
    pub sdk_app_id: u64,
    /// The callee in the service's form (`00` and the country code), when known.
    pub callee: Option<String>,
    /// When the request that placed it left, when known; bounds the time windows of the record queries.
    #[serde(with = "opt_unix_ms")]
    pub placed_at: Option<SystemTime>,
    /// Whether the request configured `ExtractConfig`, when known. A wait asks again for an extraction that is not
    /// ready only when it was configured or this is unknown; otherwise one empty answer means nothing was extracted.
    pub extraction_configured: Option<bool>,
}

impl CallRef {
    pub fn new(sdk_app_id: u64, session_id: impl Into<String>) -> Self {
        CallRef {
            session_id: session_id.into(),
            sdk_app_id,
            callee: None,
            placed_at: None,
            extraction_configured: None,
        }
    }
}

impl From<&AiCallResult> for CallRef {
    fn from(r: &AiCallResult) -> Self {
        CallRef {
            session_id: r.session_id.clone(),
            sdk_app_id: r.sdk_app_id,
            callee: Some(r.callee.clone()),
            placed_at: Some(r.placed_at),
            extraction_configured: Some(r.extraction_configured),
        }
    }
}

/// The call an outcome-unknown `create_ai_call` may have placed: enough to look for it ([`crate::Error::attempt`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallAttempt {
    pub sdk_app_id: u64,
    /// The callee in the service's form (`00` and the country code).
    pub callee: String,
    /// When the (last) request left.
    #[serde(with = "unix_ms")]
    pub sent_at: SystemTime,
    /// The request's `MaxCallDurationMs`, the longest the call can last, when it set one.
    pub max_call_duration: Option<Duration>,
}

/// A session's live status (DescribeTelSession `SessionStatus`, OUTCOMES.md section 7).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveStatus {
    Ringing,
    /// Waiting for a human agent to pick up (after a transfer).
    SeatJoining,
    InProgress,
    Finished,
    /// A value the service added after this SDK was written, as it came.
    Other(String),
}

impl LiveStatus {
    pub fn parse(wire: &str) -> LiveStatus {
        match wire {
            "ringing" => LiveStatus::Ringing,
            "seatJoining" => LiveStatus::SeatJoining,
            "inProgress" => LiveStatus::InProgress,
            "finished" => LiveStatus::Finished,
            other => LiveStatus::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            LiveStatus::Ringing => "ringing",
            LiveStatus::SeatJoining => "seat_joining",
            LiveStatus::InProgress => "in_progress",
            LiveStatus::Finished => "finished",
            LiveStatus::Other(s) => s,
        }
    }

    pub fn is_finished(&self) -> bool {
        *self == LiveStatus::Finished
    }
}

/// A call's state now ([`crate::Client::get_call`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallState {
    pub session_id: String,
    pub status: LiveStatus,
    pub caller: Option<String>,
    pub callee: Option<String>,
    #[serde(with = "opt_unix_ms")]
    pub started_at: Option<SystemTime>,
    #[serde(with = "opt_unix_ms")]
    pub ringing_at: Option<SystemTime>,
    #[serde(with = "opt_unix_ms")]
    pub answered_at: Option<SystemTime>,
    /// The `Session` object as the service sent it.
    pub raw: Map<String, Value>,
}

impl CallState {
    /// Read DescribeTelSession's `Session` object.
    pub fn from_session(session: &Map<String, Value>) -> CallState {
        CallState {
            session_id: text(session, "SessionID").or_else(|| text(session, "SessionId")).unwrap_or_default(),
            status: LiveStatus::parse(&text(session, "SessionStatus").unwrap_or_default()),
            caller: text(session, "Caller"),
            callee: text(session, "Callee"),
            started_at: unix_secs(session, "StartTimestamp"),
            ringing_at: unix_secs(session, "RingTimestamp"),
            answered_at: unix_secs(session, "AcceptTimestamp"),
            raw: session.clone(),
        }
    }
}

/// Who spoke a transcript turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Ai,
    User,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Ai => "ai",
            Role::User => "user",
        }
    }
}

/// One sentence of the transcript (DescribeTelRecordAsr `AsrData`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Turn {
    pub role: Role,
    pub text: String,
    /// The speaker as the service named it (`AsrData.User`).
    pub speaker: String,
    #[serde(with = "opt_unix_ms")]
    pub start: Option<SystemTime>,
    #[serde(with = "opt_unix_ms")]
    pub end: Option<SystemTime>,
}

impl Turn {
    /// Read one `AsrData`. The service does not document how `User` names the customer and the AI side
    /// (OUTCOMES.md section 12); this SDK takes a turn as the user's when `User` is the callee's number (compared by
    /// digits) or the word `user`, and as the AI's otherwise. The speaker is kept as it came.
    pub fn from_asr(data: &Map<String, Value>, callee: Option<&str>) -> Turn {
        let speaker = text(data, "User").unwrap_or_default();
        let is_user = speaker.eq_ignore_ascii_case("user")
            || callee.is_some_and(|c| !digits(c).is_empty() && digits(&speaker) == digits(c));
        Turn {
            role: if is_user { Role::User } else { Role::Ai },
            text: text(data, "Message").unwrap_or_default(),
            speaker,
            start: unix_millis(data, "Start"),
            end: unix_millis(data, "End"),
        }
    }
}

/// One extracted field's value (DescribeAICallExtractResult), picked by its `InfoType` (never by which member is
/// present: the service fills the unused ones with zero values).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Extracted {
    Text(String),
    Chosen(Vec<String>),
    Boolean(bool),
    Number(f64),
    /// An `InfoType` this SDK does not know: the `Result` object as it came.
    Other(Value),
}

impl Extracted {
    /// Read one `AICallExtractResultElement`: its name and value.
    pub fn from_element(element: &Map<String, Value>) -> Option<(String, Extracted)> {
        let name = text(element, "InfoName")?;
        let result = element.get("Result").and_then(Value::as_object).cloned().unwrap_or_default();
        let value = match text(element, "InfoType").as_deref() {
            Some("Text") => Extracted::Text(text(&result, "Text").unwrap_or_default()),
            Some("Selector") => Extracted::Chosen(
                result
                    .get("Chosen")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
                    .unwrap_or_default(),
            ),
            Some("Boolean") => Extracted::Boolean(match result.get("Boolean") {
                Some(Value::Bool(b)) => *b,
                Some(Value::String(s)) => s == "true",
                _ => false,
            }),
            Some("Number") => Extracted::Number(number(&result, "Number").unwrap_or(0.0)),
            _ => Extracted::Other(Value::Object(result)),
        };
        Some((name, value))
    }
}

/// How a placed call ended: one record, decoded ([`crate::Client::wait_for_call`], [`crate::Client::find_calls`],
/// the CDR push).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallOutcome {
    pub session_id: String,
    pub sdk_app_id: Option<u64>,
    pub status: CallStatus,
    /// The service's numeric end status (OUTCOMES.md section 6.1), as it came; `None` when the record had none
    /// (the CDR push carries only the string).
    pub end_status: Option<i64>,
    pub end_status_string: Option<String>,
    /// The person answered (the record has an answer time).
    pub answered: bool,
    pub caller: Option<String>,
    pub callee: Option<String>,
    /// From the start of ringing to the answer (or to the end, when not answered).
    pub ring_duration: Option<Duration>,
    /// From the answer to the end (the record's `Duration`, seconds).
    pub talk_duration: Option<Duration>,
    #[serde(with = "opt_unix_ms")]
    pub started_at: Option<SystemTime>,
    #[serde(with = "opt_unix_ms")]
    pub answered_at: Option<SystemTime>,
    #[serde(with = "opt_unix_ms")]
    pub ended_at: Option<SystemTime>,
    /// `user`, `seat` or `system`, as the service wrote it.
    pub hangup_side: Option<String>,
    /// Why the system hung up after the answer (`SysHangupReasonString`), when it did.
    pub sys_hangup_reason: Option<String>,
    pub recording_url: Option<String>,
    /// The transcript, when asked for and available; see [`CallOutcome::missing`].
    pub transcript: Option<Vec<Turn>>,
    /// The extracted fields by name, when asked for and available.
    pub extracted: Option<BTreeMap<String, Extracted>>,
    /// What was asked for and did not arrive within the wait (`"transcript"`, `"extraction"`): not an error, the
    /// service prepares them after the call and may still do so.
    pub missing: Vec<String>,
    /// The answers as the service sent them: `"record"` (the TelCdrInfo or pushed CDR), and `"transcript"`
    /// (`AsrDataList`) and `"extraction"` (`ResultList`) when fetched.
    pub raw: Map<String, Value>,
}

impl CallOutcome {
    /// Decode one call record: a DescribeTelCdr `TelCdrInfo` or the body of a CDR push.
    pub fn from_record(record: &Map<String, Value>) -> CallOutcome {
        let end_status = integer(record, "EndStatus");
        let end_status_string = text(record, "EndStatusString").filter(|s| !s.is_empty());
        let started_at = unix_secs(record, "StartTimestamp").or_else(|| unix_secs(record, "Time"));
        let ringing_at = unix_secs(record, "RingTimestamp");
        let answered_at = unix_secs(record, "AcceptTimestamp");
        let ended_at = unix_secs(record, "EndedTimestamp");
        let answered = answered_at.is_some();
        let status = status::status_of(end_status, end_status_string.as_deref(), answered);
        let ring_end = answered_at.or(ended_at);
        let ring_duration = match (ringing_at, ring_end) {
            (Some(a), Some(b)) => b.duration_since(a).ok(),
            _ => None,
        };
        let talk_duration = if answered {
            integer(record, "Duration").filter(|d| *d >= 0).map(|d| Duration::from_secs(d as u64)).or_else(|| {
                match (answered_at, ended_at) {
                    (Some(a), Some(b)) => b.duration_since(a).ok(),
                    _ => None,
                }
            })
        } else {
            Some(Duration::ZERO)
        };
        let mut raw = Map::new();
        raw.insert("record".into(), Value::Object(record.clone()));
        CallOutcome {
            session_id: text(record, "SessionId").unwrap_or_default(),
            sdk_app_id: integer(record, "SdkAppId").and_then(|n| u64::try_from(n).ok()),
            status,
            end_status,
            end_status_string,
            answered,
            caller: text(record, "Caller").filter(|s| !s.is_empty()),
            callee: text(record, "Callee").filter(|s| !s.is_empty()),
            ring_duration,
            talk_duration,
            started_at,
            answered_at,
            ended_at,
            hangup_side: text(record, "HungUpSide").filter(|s| !s.is_empty()),
            sys_hangup_reason: text(record, "SysHangupReasonString").filter(|s| !s.is_empty()),
            recording_url: text(record, "RecordURL").filter(|s| !s.is_empty()),
            transcript: None,
            extracted: None,
            missing: Vec::new(),
            raw,
        }
    }

    /// Add a transcript (DescribeTelRecordAsr `AsrDataList`).
    pub fn set_transcript(&mut self, list: &[Value]) {
        let callee = self.callee.clone();
        let turns = list.iter().filter_map(Value::as_object).map(|d| Turn::from_asr(d, callee.as_deref())).collect();
        self.transcript = Some(turns);
        self.raw.insert("transcript".into(), Value::Array(list.to_vec()));
    }

    /// Add extracted fields (DescribeAICallExtractResult `ResultList`).
    pub fn set_extracted(&mut self, list: &[Value]) {
        let fields = list.iter().filter_map(Value::as_object).filter_map(Extracted::from_element).collect();
        self.extracted = Some(fields);
        self.raw.insert("extraction".into(), Value::Array(list.to_vec()));
    }

    /// The transcript as plain text, one `role: text` line per turn.
    pub fn transcript_text(&self) -> Option<String> {
        self.transcript.as_ref().map(|turns| {
            turns.iter().map(|t| format!("{}: {}", t.role.as_str(), t.text)).collect::<Vec<_>>().join("\n")
        })
    }
}

/// What [`crate::Client::reconcile`] concluded about an outcome-unknown call.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Reconciled {
    /// A record of a call to this number that started after the request left: the call was placed. `calls` holds
    /// every such record, the likeliest first (the one that started closest to the send time).
    Placed { calls: Vec<CallOutcome> },
    /// No record, and none can still appear: the call was not placed; dialling again cannot ring the person twice.
    NotPlaced,
    /// No record yet, but one could still appear (the call may still be running, or its record not yet written).
    /// Ask again after `retry_after`.
    CannotTellYet { retry_after: Duration },
}

// --- reading loose JSON -------------------------------------------------------------------------------------------

fn text(m: &Map<String, Value>, key: &str) -> Option<String> {
    match m.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn integer(m: &Map<String, Value>, key: &str) -> Option<i64> {
    match m.get(key)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn number(m: &Map<String, Value>, key: &str) -> Option<f64> {
    match m.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A Unix-seconds field; 0 (the service's "never") is `None`.
fn unix_secs(m: &Map<String, Value>, key: &str) -> Option<SystemTime> {
    integer(m, key).filter(|s| *s > 0).map(|s| UNIX_EPOCH + Duration::from_secs(s as u64))
}

/// A Unix-milliseconds field; 0 is `None`.
fn unix_millis(m: &Map<String, Value>, key: &str) -> Option<SystemTime> {
    integer(m, key).filter(|s| *s > 0).map(|s| UNIX_EPOCH + Duration::from_millis(s as u64))
}

pub(crate) fn digits(s: &str) -> String {
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    let d = d.strip_prefix("00").map(String::from).unwrap_or(d);
    d
}

/// Times as Unix milliseconds in serialized form (what the bindings receive).
pub(crate) mod unix_ms {
    use serde::Serializer;
    use std::time::{SystemTime, UNIX_EPOCH};

    pub fn serialize<S: Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(t.duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0))
    }
}

pub(crate) mod opt_unix_ms {
    use serde::Serializer;
    use std::time::SystemTime;

    pub fn serialize<S: Serializer>(t: &Option<SystemTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::unix_ms::serialize(t, s),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    /// The official DescribeTelCdr example record (OUTCOMES.md section 4.2), abridged to the fields read here.
    #[test]
    fn the_official_record_decodes() {
        let record = obj(json!({
            "AcceptTimestamp": 1729756307, "Callee": "00860200000000", "Caller": "0086075500000",
            "Duration": 8, "EndStatus": 1, "EndStatusString": "ok", "EndedTimestamp": 1729756315,
            "HungUpSide": "seat", "RecordURL": "https://xxxxxxx.mp3", "RingTimestamp": 1729756306,
            "SessionId": "0955de87-c86d-4457-aac2-bee3d0a0b67a", "StartTimestamp": 1729756291, "Time": 1729756291
        }));
        let o = CallOutcome::from_record(&record);
        assert_eq!(o.status, CallStatus::Answered);
        assert!(o.answered);
        assert_eq!(o.end_status, Some(1));
        assert_eq!(o.talk_duration, Some(Duration::from_secs(8)));
        assert_eq!(o.ring_duration, Some(Duration::from_secs(1)));
        assert_eq!(o.hangup_side.as_deref(), Some("seat"));
        assert_eq!(o.recording_url.as_deref(), Some("https://xxxxxxx.mp3"));
        assert_eq!(o.raw["record"]["Time"], 1729756291);
    }

    /// The CDR push: no numeric status, `AcceptTimestamp` 0, a string where a number is typed.
    #[test]
    fn a_pushed_unanswered_record_decodes() {
        let record = obj(json!({
            "SdkAppId": "1400000000", "SessionId": "s", "EndStatusString": "notAnswer", "AcceptTimestamp": 0,
            "RingTimestamp": 1608130639, "EndedTimestamp": 1608130651, "Duration": 0
        }));
        let o = CallOutcome::from_record(&record);
        assert_eq!((o.status, o.answered, o.end_status), (CallStatus::NotAnswered, false, None));
        assert_eq!(o.sdk_app_id, Some(1400000000));
        assert_eq!(o.ring_duration, Some(Duration::from_secs(12)));
        assert_eq!(o.talk_duration, Some(Duration::ZERO));
        assert_eq!(o.answered_at, None);
    }

    #[test]
    fn transcript_roles_and_extraction_by_info_type() {
        let mut o = CallOutcome::from_record(&obj(json!({"SessionId": "s", "Callee": "008613012345678"})));
        o.set_transcript(&[
            json!({"User": "AI", "Message": "Hello", "Start": 1729697242236u64, "End": 1729697245426u64}),
            json!({"User": "008613012345678", "Message": "Hi"}),
            json!({"User": "+86 130 1234 5678", "Message": "Yes"}),
        ]);
        let roles: Vec<Role> = o.transcript.as_ref().unwrap().iter().map(|t| t.role).collect();
        assert_eq!(roles, [Role::Ai, Role::User, Role::User]);
        assert_eq!(o.transcript_text().unwrap(), "ai: Hello\nuser: Hi\nuser: Yes");
        o.set_extracted(&[
            json!({"InfoType": "Boolean", "InfoName": "interested",
                   "Result": {"Text": "", "Chosen": [], "Boolean": true, "Number": 0}}),
            json!({"InfoType": "Number", "InfoName": "years", "Result": {"Text": "", "Number": 7.0}}),
            json!({"InfoType": "Selector", "InfoName": "why", "Result": {"Chosen": ["price"], "Number": 0}}),
            json!({"InfoType": "Text", "InfoName": "when", "Result": {"Text": "Tuesday", "Boolean": false}}),
            json!({"InfoType": "Later", "InfoName": "x", "Result": {"New": 1}}),
        ]);
        let e = o.extracted.as_ref().unwrap();
        assert_eq!(e["interested"], Extracted::Boolean(true));
        assert_eq!(e["years"], Extracted::Number(7.0));
        assert_eq!(e["why"], Extracted::Chosen(vec!["price".into()]));
        assert_eq!(e["when"], Extracted::Text("Tuesday".into()));
        assert_eq!(e["x"], Extracted::Other(json!({"New": 1})));
    }

    #[test]
    fn live_status_reads_and_keeps_unknown_values() {
        let s = CallState::from_session(&obj(json!({
            "SessionID": "s", "SessionStatus": "inProgress", "AcceptTimestamp": 1607702329, "RingTimestamp": 1607702299
        })));
        assert_eq!(s.status, LiveStatus::InProgress);
        assert!(s.answered_at.is_some());
        assert_eq!(LiveStatus::parse("queued"), LiveStatus::Other("queued".into()));
    }
}
