//! Scripted faults: what the emulator does instead of (or on top of) answering normally.
//!
//! Faults wait in a FIFO queue. Each request takes the first queued fault whose `action` filter matches
//! its `X-TC-Action` (no filter matches everything); a fault with `times: n` is used by n requests.
//!
//! Faults that act after the request was read first process it as usual (signature, parameters, rate
//! limit, and for a valid `CreateAICall` the call is placed and recorded), then spoil the answer. That is
//! what makes them dangerous: the phone rang, the client cannot tell.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One scripted fault: what happens, to which action, how many times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawFault", into = "RawFault")]
pub struct Fault {
    pub kind: FaultKind,
    /// Only requests with this `X-TC-Action` take the fault; `None` matches every request.
    pub action: Option<String>,
    /// How many requests take it (at least 1).
    pub times: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer this error code in the service's envelope (HTTP 200). With `placed`, the request is
    /// processed first (a valid call is placed); without it, it is refused untouched. `placed` defaults
    /// to true exactly for `InternalError*` codes.
    Error { code: String, message: Option<String>, placed: bool },
    /// Answer this HTTP status with an HTML body, as a proxy would; the request was processed first.
    HttpStatus { status: u16 },
    /// Wait before reading the request (nothing is processed meanwhile; if the client hangs up during
    /// the wait, the request is dropped unprocessed), or after processing it (placed, answered late).
    Delay { phase: DelayPhase, ms: u64 },
    /// Process the request, then close the connection without answering.
    CloseAfterRead,
    /// Process the request, then answer HTTP 200 with a body that is not JSON.
    MalformedBody,
    /// Process the request, then send a `Content-Length` larger than the body sent, and close.
    TruncatedBody,
    /// Answer normally with the `Date` header this many seconds off the emulator's clock.
    SkewedDate { secs: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DelayPhase {
    BeforeRead,
    AfterRead,
}

impl Fault {
    fn of(kind: FaultKind) -> Self {
        Fault { kind, action: None, times: 1 }
    }

    /// An error code; placed only for `InternalError*`.
    pub fn error(code: impl Into<String>) -> Self {
        let code = code.into();
        let placed = default_placed(&code);
        Self::of(FaultKind::Error { code, message: None, placed })
    }

    /// An error code with its message and an explicit `placed` flag.
    pub fn error_with(code: impl Into<String>, message: impl Into<String>, placed: bool) -> Self {
        Self::of(FaultKind::Error { code: code.into(), message: Some(message.into()), placed })
    }

    pub fn http_status(status: u16) -> Self {
        Self::of(FaultKind::HttpStatus { status })
    }

    pub fn delay_before_read(delay: Duration) -> Self {
        Self::of(FaultKind::Delay { phase: DelayPhase::BeforeRead, ms: millis(delay) })
    }

    pub fn delay_after_read(delay: Duration) -> Self {
        Self::of(FaultKind::Delay { phase: DelayPhase::AfterRead, ms: millis(delay) })
    }

    pub fn close_after_read() -> Self {
        Self::of(FaultKind::CloseAfterRead)
    }

    pub fn malformed_body() -> Self {
        Self::of(FaultKind::MalformedBody)
    }

    pub fn truncated_body() -> Self {
        Self::of(FaultKind::TruncatedBody)
    }

    pub fn skewed_date(secs: i64) -> Self {
        Self::of(FaultKind::SkewedDate { secs })
    }

    /// Only requests for this action take the fault.
    pub fn for_action(mut self, action: impl Into<String>) -> Self {
        self.action = Some(action.into());
        self
    }

    /// The fault is used by this many requests (values below 1 count as 1).
    pub fn times(mut self, times: u32) -> Self {
        self.times = times.max(1);
        self
    }

    /// Parse the JSON form, e.g. `{"kind":"error","code":"InternalError","action":"CreateAICall","times":2}`.
    pub fn from_json(json: &str) -> Result<Fault, serde_json::Error> {
        serde_json::from_str(json)
    }

    pub fn from_value(value: serde_json::Value) -> Result<Fault, serde_json::Error> {
        serde_json::from_value(value)
    }

    /// The JSON form.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    pub(crate) fn matches(&self, action: &str) -> bool {
        self.action.as_deref().map_or(true, |a| a == action)
    }
}

fn default_placed(code: &str) -> bool {
    code.split('.').next() == Some("InternalError")
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The flat JSON form; unknown keys are refused so that a typo in a test does not silently do nothing.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFault {
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    times: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    placed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phase: Option<DelayPhase>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secs: Option<i64>,
}

const KINDS: &str = "error, http_status, delay, close_after_read, malformed_body, truncated_body, skewed_date";

impl TryFrom<RawFault> for Fault {
    type Error = String;

    fn try_from(raw: RawFault) -> Result<Self, String> {
        let allowed: &[&str] = match raw.kind.as_str() {
            "error" => &["code", "message", "placed"],
            "http_status" => &["status"],
            "delay" => &["phase", "ms"],
            "skewed_date" => &["secs"],
            "close_after_read" | "malformed_body" | "truncated_body" => &[],
            other => return Err(format!("unknown fault kind `{other}`; expected one of: {KINDS}")),
        };
        let present = [
            ("code", raw.code.is_some()),
            ("message", raw.message.is_some()),
            ("placed", raw.placed.is_some()),
            ("status", raw.status.is_some()),
            ("phase", raw.phase.is_some()),
            ("ms", raw.ms.is_some()),
            ("secs", raw.secs.is_some()),
        ];
        if let Some((key, _)) = present.iter().find(|(k, set)| *set && !allowed.contains(k)) {
            return Err(format!("a `{}` fault takes no `{key}`", raw.kind));
        }
        let need = |what: &str| format!("a `{}` fault needs `{what}`", raw.kind);
        let kind = match raw.kind.as_str() {
            "error" => {
                let code = raw.code.filter(|c| !c.trim().is_empty()).ok_or_else(|| need("code"))?;
                let placed = raw.placed.unwrap_or_else(|| default_placed(&code));
                FaultKind::Error { code, message: raw.message, placed }
            }
            "http_status" => {
                let status = raw.status.ok_or_else(|| need("status"))?;
                if !(400..=599).contains(&status) {
                    return Err(format!("`status` must be 400..=599, got {status}"));
                }
                FaultKind::HttpStatus { status }
            }
            "delay" => FaultKind::Delay {
                phase: raw.phase.ok_or_else(|| need("phase (before_read or after_read)"))?,
                ms: raw.ms.ok_or_else(|| need("ms"))?,
            },
            "skewed_date" => FaultKind::SkewedDate { secs: raw.secs.ok_or_else(|| need("secs"))? },
            "close_after_read" => FaultKind::CloseAfterRead,
            "malformed_body" => FaultKind::MalformedBody,
            _ => FaultKind::TruncatedBody,
        };
        let times = match raw.times {
            Some(0) => return Err("`times` must be at least 1".to_string()),
            Some(n) => n,
            None => 1,
        };
        Ok(Fault { kind, action: raw.action, times })
    }
}

impl From<Fault> for RawFault {
    fn from(f: Fault) -> RawFault {
        let mut raw = RawFault { action: f.action, times: Some(f.times), ..RawFault::default() };
        raw.kind = match f.kind {
            FaultKind::Error { code, message, placed } => {
                (raw.code, raw.message, raw.placed) = (Some(code), message, Some(placed));
                "error"
            }
            FaultKind::HttpStatus { status } => {
                raw.status = Some(status);
                "http_status"
            }
            FaultKind::Delay { phase, ms } => {
                (raw.phase, raw.ms) = (Some(phase), Some(ms));
                "delay"
            }
            FaultKind::SkewedDate { secs } => {
                raw.secs = Some(secs);
                "skewed_date"
            }
            FaultKind::CloseAfterRead => "close_after_read",
            FaultKind::MalformedBody => "malformed_body",
            FaultKind::TruncatedBody => "truncated_body",
        }
        .to_string();
        raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_forms_parse() {
        for (json, want) in [
            (r#"{"kind":"error","code":"InternalError"}"#, Fault::error("InternalError")),
            (
                r#"{"kind":"error","code":"FailedOperation.CallOutFailed"}"#,
                Fault::error("FailedOperation.CallOutFailed"),
            ),
            (r#"{"kind":"error","code":"X","message":"m","placed":true}"#, Fault::error_with("X", "m", true)),
            (r#"{"kind":"http_status","status":502}"#, Fault::http_status(502)),
            (r#"{"kind":"delay","phase":"after_read","ms":2000}"#, Fault::delay_after_read(Duration::from_secs(2))),
            (r#"{"kind":"delay","phase":"before_read","ms":5}"#, Fault::delay_before_read(Duration::from_millis(5))),
            (r#"{"kind":"close_after_read"}"#, Fault::close_after_read()),
            (r#"{"kind":"malformed_body"}"#, Fault::malformed_body()),
            (
                r#"{"kind":"truncated_body","action":"CreateAICall","times":3}"#,
                Fault::truncated_body().for_action("CreateAICall").times(3),
            ),
            (r#"{"kind":"skewed_date","secs":-600}"#, Fault::skewed_date(-600)),
        ] {
            let got = Fault::from_json(json).unwrap_or_else(|e| panic!("{json}: {e}"));
            assert_eq!(got, want, "{json}");
            assert_eq!(Fault::from_value(got.to_value()).unwrap(), got, "round trip of {json}");
        }
        assert!(matches!(Fault::error("InternalError.DbError").kind, FaultKind::Error { placed: true, .. }));
        assert!(matches!(Fault::error("RequestLimitExceeded").kind, FaultKind::Error { placed: false, .. }));
    }

    #[test]
    fn bad_json_forms_say_why() {
        for (json, needle) in [
            (r#"{"kind":"nope"}"#, "unknown fault kind"),
            (r#"{"kind":"error"}"#, "needs `code`"),
            (r#"{"kind":"http_status","status":200}"#, "400..=599"),
            (r#"{"kind":"delay","ms":1}"#, "needs `phase"),
            (r#"{"kind":"delay","phase":"during","ms":1}"#, "unknown variant"),
            (r#"{"kind":"malformed_body","secs":3}"#, "takes no `secs`"),
            (r#"{"kind":"close_after_read","time":3}"#, "unknown field"),
            (r#"{"kind":"close_after_read","times":0}"#, "at least 1"),
            (r#"[1]"#, "invalid type"),
        ] {
            let err = Fault::from_json(json).expect_err(json).to_string();
            assert!(err.contains(needle), "{json}: {err}");
        }
    }
}
