//! Call scripts: how a call to one number goes (answered or not, for how long, what was said and extracted,
//! how late its records appear), and the plan a placed call follows.
//!
//! The end-status table below is the emulator's own copy of OUTCOMES.md §6.1, on purpose: the emulator plays the
//! service, so it must not borrow the client's reading of the table (a shared copy would hide a mistake in both).

use serde::{Deserialize, Serialize};

/// How a call to one callee goes. Every field is optional; what is left out takes the default described on it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallScript {
    /// The service's numeric `EndStatus` (OUTCOMES.md §6.1). Default 1 (`ok`, answered). Answered calls are code 1
    /// and the AI-agent codes 225–233; any other code is a call that was never answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_status: Option<i64>,
    /// How long it rings (ms); default the emulator's `ringing_ms`. 0 ends an unanswered call at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ring_ms: Option<u64>,
    /// How long an answered call talks (ms); default the emulator's `talking_ms`. Ignored for unanswered calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub talk_ms: Option<u64>,
    /// What was said, in order; spread evenly over the talk time. Default: an AI greeting and a user reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript: Option<Vec<Turn>>,
    /// What the post-call extraction found. Default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extracted: Option<Vec<Extracted>>,
    /// `HungUpSide` of the record: `user`, `seat` or `system`. Default: see [`default_hangup_side`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hangup_side: Option<HangupSide>,
    /// How long after the end the call record appears in `DescribeTelCdr` (ms); default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cdr_delay_ms: Option<u64>,
    /// How long after the end the transcript appears (`DescribeTelRecordAsr`, `AsrStatus`); default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asr_delay_ms: Option<u64>,
    /// How long after the end the extraction appears (`DescribeAICallExtractResult`); default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extract_delay_ms: Option<u64>,
    /// Whether the record carries a `RecordURL`; default true for answered calls (never for unanswered ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording: Option<bool>,
}

/// One sentence of the transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Turn {
    pub role: Role,
    pub text: String,
}

impl Turn {
    pub fn ai(text: impl Into<String>) -> Self {
        Turn { role: Role::Ai, text: text.into() }
    }

    pub fn user(text: impl Into<String>) -> Self {
        Turn { role: Role::User, text: text.into() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Ai,
    User,
}

/// One extracted item: `{"name": "interest", "type": "Boolean", "value": true, "description": "..."}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extracted {
    pub name: String,
    /// The item's description as configured (`InfoContent`); default empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The `InfoType` and its value, adjacently tagged as `type` and `value`.
    #[serde(flatten)]
    pub value: ExtractedValue,
}

impl Extracted {
    pub fn new(name: impl Into<String>, value: ExtractedValue) -> Self {
        Extracted { name: name.into(), description: None, value }
    }
}

/// The service's four `InfoType`s, each with the value type its `Result` member carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value")]
pub enum ExtractedValue {
    Text(String),
    Selector(Vec<String>),
    Boolean(bool),
    Number(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HangupSide {
    User,
    Seat,
    System,
}

impl HangupSide {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            HangupSide::User => "user",
            HangupSide::Seat => "seat",
            HangupSide::System => "system",
        }
    }
}

/// `EndStatus` → `EndStatusString`, OUTCOMES.md §6.1 (234 has no published name; it answers `unknown`).
const END_STATUSES: &[(i64, &str)] = &[
    (1, "ok"),
    (17, "seatGiveUp"),
    (100, "blackList"),
    (102, "ivrGiveUp"),
    (103, "waitingGiveUp"),
    (104, "ringingGiveUp"),
    (105, "noSeatOnline"),
    (106, "notWorkTime"),
    (107, "ivrEnd"),
    (108, "restrictedCallee"),
    (109, "tooManyRequest"),
    (110, "restrictedArea"),
    (111, "restrictedTime"),
    (202, "notAnswer"),
    (203, "userReject"),
    (204, "powerOff"),
    (205, "numberNotExist"),
    (206, "busy"),
    (207, "outOfCredit"),
    (208, "operatorError"),
    (209, "callerCancel"),
    (210, "notInService"),
    (211, "clientError"),
    (212, "carrierBlocked"),
    (213, "callReminder"),
    (215, "numberInvalid"),
    (216, "callRestricted"),
    (217, "calleeRestricted"),
    (218, "areaRestricted"),
    (219, "promptCallForwarding"),
    (220, "callerCancelWhileRing"),
    (221, "callerCancelWithoutRing"),
    (222, "voiceMailReached"),
    (225, "asrError"),
    (226, "llmasrError"),
    (227, "ttsError"),
    (228, "functionCallHangup"),
    (229, "maxCallDurationReached"),
    (230, "userInactivity"),
    (231, "callTerminatedByAPI"),
    (232, "userHangupDuringAiCall"),
    (233, "aiAgentEndCall"),
    (501, "callConflict"),
    (502, "clientTimeout"),
    (503, "voipClientError"),
];

/// The `EndStatusString` of a code; `unknown` (a value the service documents, P3) for codes not in the table.
pub(crate) fn end_status_string(code: i64) -> &'static str {
    END_STATUSES.iter().find(|(c, _)| *c == code).map_or("unknown", |(_, s)| s)
}

/// Whether a call that ends with this code was answered: normal end, or one of the AI-agent codes of P7.
pub(crate) fn answered(code: i64) -> bool {
    code == 1 || (225..=233).contains(&code)
}

/// Ended by the HangUpCall API after the answer (P7: "ended through the system hang-up API").
pub(crate) const TERMINATED_BY_API: i64 = 231;
/// Ended by HangUpCall (or a `StopAfterPlay` push) while still ringing. Not documented for the API; of the
/// cancel codes, 220 `callerCancelWhileRing` says exactly this (209 `callerCancel` is, per P6, a hang-up before
/// ringing started, and the emulator's sessions ring from the moment they are placed).
pub(crate) const CANCELLED_WHILE_RINGING: i64 = 220;

/// Who hung up when the script does not say. The service does not document it for AI calls (§6.2), so: the
/// customer for a normal end and for 232 (the user hung up), the system for every other AI-agent end (errors,
/// time limits, the AI or the API ending it) and for unanswered calls, except 203 (the callee rejected it).
pub(crate) fn default_hangup_side(code: i64) -> HangupSide {
    match code {
        1 | 203 | 232 => HangupSide::User,
        _ => HangupSide::System,
    }
}

/// A callee in any form (`008613012345678`, `+86 130 1234 5678`, `8613012345678`) as the digits that identify it:
/// the leading `+` or `00` dropped, separators ignored. `*` stays `*` (every callee).
pub(crate) fn callee_key(callee: &str) -> String {
    let trimmed = callee.trim();
    if trimmed == "*" {
        return "*".to_string();
    }
    let digits: String = trimmed.trim_start_matches('+').chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("00") {
        Some(rest) if !trimmed.starts_with('+') => rest.to_string(),
        _ => digits,
    }
}

pub(crate) const DEFAULT_TRANSCRIPT: [(Role, &str); 2] = [
    (Role::Ai, "Hello, this is the assistant calling about your appointment."),
    (Role::User, "Hi, yes, that works for me."),
];

/// What a placed call does, resolved from its script (or the defaults) when it is placed: a later script
/// change does not rewrite a call already under way.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plan {
    pub end_status: i64,
    pub ring_ms: u64,
    /// 0 for an unanswered call.
    pub talk_ms: u64,
    pub transcript: Vec<Turn>,
    pub extracted: Vec<Extracted>,
    pub hangup_side: HangupSide,
    pub cdr_delay_ms: u64,
    pub asr_delay_ms: u64,
    pub extract_delay_ms: u64,
    pub recording: bool,
}

impl Plan {
    pub(crate) fn new(script: Option<&CallScript>, ringing_ms: u64, talking_ms: u64) -> Plan {
        let s = script.cloned().unwrap_or_default();
        let end_status = s.end_status.unwrap_or(1);
        let answered = answered(end_status);
        let default_transcript =
            || DEFAULT_TRANSCRIPT.iter().map(|(role, text)| Turn { role: *role, text: (*text).into() });
        Plan {
            end_status,
            ring_ms: s.ring_ms.unwrap_or(ringing_ms),
            talk_ms: if answered { s.talk_ms.unwrap_or(talking_ms) } else { 0 },
            transcript: if answered { s.transcript.unwrap_or_else(|| default_transcript().collect()) } else { vec![] },
            extracted: if answered { s.extracted.unwrap_or_default() } else { vec![] },
            hangup_side: s.hangup_side.unwrap_or_else(|| default_hangup_side(end_status)),
            cdr_delay_ms: s.cdr_delay_ms.unwrap_or(0),
            asr_delay_ms: s.asr_delay_ms.unwrap_or(0),
            extract_delay_ms: s.extract_delay_ms.unwrap_or(0),
            recording: answered && s.recording.unwrap_or(true),
        }
    }

    pub(crate) fn answered(&self) -> bool {
        answered(self.end_status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn callees_compare_by_digits() {
        for form in ["008613012345678", "+8613012345678", "+86 130-1234-5678", "8613012345678", " 0086 13012345678 "] {
            assert_eq!(callee_key(form), "8613012345678", "{form}");
        }
        assert_eq!(callee_key("*"), "*");
        assert_eq!(callee_key("+0012"), "0012", "only one prefix is dropped");
    }

    #[test]
    fn the_table_and_its_gaps() {
        assert_eq!(end_status_string(1), "ok");
        assert_eq!(end_status_string(231), "callTerminatedByAPI");
        assert_eq!(end_status_string(206), "busy");
        for unknown in [0, 214, 234, 9999, -1] {
            assert_eq!(end_status_string(unknown), "unknown");
        }
        assert!(answered(1) && answered(225) && answered(233));
        assert!(!answered(224) && !answered(234) && !answered(206) && !answered(17));
    }

    #[test]
    fn scripts_parse_in_snake_case_and_refuse_typos() {
        let script: CallScript = serde_json::from_value(json!({
            "end_status": 1, "ring_ms": 0, "talk_ms": 5000, "hangup_side": "seat", "recording": false,
            "transcript": [{"role": "ai", "text": "Hi"}, {"role": "user", "text": "Hello"}],
            "extracted": [
                {"name": "interest", "type": "Boolean", "value": true, "description": "interested?"},
                {"name": "years", "type": "Number", "value": 7},
                {"name": "why", "type": "Selector", "value": ["price"]},
                {"name": "note", "type": "Text", "value": "call back"},
            ],
        }))
        .unwrap();
        assert_eq!(script.extracted.as_ref().unwrap()[1].value, ExtractedValue::Number(7.0));
        assert_eq!(script.transcript.as_ref().unwrap()[0], Turn::ai("Hi"));
        let back: CallScript = serde_json::from_value(serde_json::to_value(&script).unwrap()).unwrap();
        assert_eq!(back, script);
        for bad in [
            json!({"endStatus": 1}),
            json!({"transcript": [{"role": "bot", "text": "x"}]}),
            json!({"extracted": [{"name": "x", "type": "Boolean", "value": "yes"}]}),
            json!({"extracted": [{"name": "x", "type": "Date", "value": "today"}]}),
            json!({"hangup_side": "agent"}),
        ] {
            assert!(serde_json::from_value::<CallScript>(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn plans_default_sensibly() {
        let plan = Plan::new(None, 1000, 2000);
        assert_eq!((plan.end_status, plan.ring_ms, plan.talk_ms), (1, 1000, 2000));
        assert_eq!(plan.transcript.len(), 2);
        assert!(plan.recording && plan.extracted.is_empty());
        assert_eq!(plan.hangup_side, HangupSide::User);

        let busy =
            CallScript { end_status: Some(206), talk_ms: Some(9000), recording: Some(true), ..Default::default() };
        let plan = Plan::new(Some(&busy), 1000, 2000);
        assert_eq!((plan.talk_ms, plan.recording, plan.transcript.len()), (0, false, 0));
        assert_eq!(plan.hangup_side, HangupSide::System);
    }
}
