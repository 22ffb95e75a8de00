//! The service's end-status codes (OUTCOMES.md section 6.1) and what each says about the call, for people: one of
//! nine [`CallStatus`] values.
//!
//! The codes are an open set (the service says AI calls do not emit every code, and adds codes): an unknown code is
//! kept as it came, and its status is `answered` when the record shows the call was answered, else `failed`.

use serde::Serialize;
use std::fmt;

/// How a call ended, in the terms a user acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    /// The person answered and the call ran (ended normally, by the agent, by the user, by a time limit...).
    Answered,
    /// It rang and nobody answered, or the call was cancelled while ringing.
    NotAnswered,
    Busy,
    /// The person declined the call.
    Rejected,
    /// The phone is off, out of coverage, out of credit, or the carrier failed to reach it.
    Unreachable,
    /// The number does not exist or is not valid.
    InvalidNumber,
    /// A voicemail answered.
    Voicemail,
    /// The service or a carrier refused to dial: a blocklist, a frequency rule, a restricted area or hour.
    Blocked,
    /// The call failed on the service's or the agent's side (speech recognition, model, TTS, client errors), or the
    /// code is one this table does not know and the call was not answered.
    Failed,
}

impl CallStatus {
    pub const ALL: [CallStatus; 9] = [
        CallStatus::Answered,
        CallStatus::NotAnswered,
        CallStatus::Busy,
        CallStatus::Rejected,
        CallStatus::Unreachable,
        CallStatus::InvalidNumber,
        CallStatus::Voicemail,
        CallStatus::Blocked,
        CallStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallStatus::Answered => "answered",
            CallStatus::NotAnswered => "not_answered",
            CallStatus::Busy => "busy",
            CallStatus::Rejected => "rejected",
            CallStatus::Unreachable => "unreachable",
            CallStatus::InvalidNumber => "invalid_number",
            CallStatus::Voicemail => "voicemail",
            CallStatus::Blocked => "blocked",
            CallStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<CallStatus> {
        CallStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl fmt::Display for CallStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the end-status table: the code, its `EndStatusString`, and the status it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndStatus {
    pub code: i64,
    pub name: &'static str,
    pub status: CallStatus,
}

const fn row(code: i64, name: &'static str, status: CallStatus) -> EndStatus {
    EndStatus { code, name, status }
}

use CallStatus as S;

/// OUTCOMES.md section 6.1, every published code. The inbound-only codes (a caller hanging up in the IVR, no agent
/// online) are kept so that a record of an inbound call still decodes; for an outbound AI call they do not occur.
pub const END_STATUSES: &[EndStatus] = &[
    row(1, "ok", S::Answered),
    row(17, "seatGiveUp", S::NotAnswered),
    row(100, "blackList", S::Blocked),
    row(102, "ivrGiveUp", S::Answered),
    row(103, "waitingGiveUp", S::Answered),
    row(104, "ringingGiveUp", S::NotAnswered),
    row(105, "noSeatOnline", S::Failed),
    row(106, "notWorkTime", S::Failed),
    row(107, "ivrEnd", S::Answered),
    row(108, "restrictedCallee", S::Blocked),
    row(109, "tooManyRequest", S::Blocked),
    row(110, "restrictedArea", S::Blocked),
    row(111, "restrictedTime", S::Blocked),
    row(202, "notAnswer", S::NotAnswered),
    row(203, "userReject", S::Rejected),
    row(204, "powerOff", S::Unreachable),
    row(205, "numberNotExist", S::InvalidNumber),
    row(206, "busy", S::Busy),
    row(207, "outOfCredit", S::Unreachable),
    row(208, "operatorError", S::Unreachable),
    // The caller side (here: the service or the SDK's hang-up) cancelled before the person answered.
    row(209, "callerCancel", S::NotAnswered),
    row(210, "notInService", S::Unreachable),
    row(211, "clientError", S::Failed),
    row(212, "carrierBlocked", S::Blocked),
    // The network played its missed-call reminder: the phone was off or out of reach.
    row(213, "callReminder", S::Unreachable),
    row(215, "numberInvalid", S::InvalidNumber),
    row(216, "callRestricted", S::Blocked),
    row(217, "calleeRestricted", S::Blocked),
    row(218, "areaRestricted", S::Blocked),
    // The carrier played a forwarding prompt instead of connecting: the person was not reached.
    row(219, "promptCallForwarding", S::Unreachable),
    row(220, "callerCancelWhileRing", S::NotAnswered),
    // Published as "no ringing; the callee number is abnormal".
    row(221, "callerCancelWithoutRing", S::InvalidNumber),
    row(222, "voiceMailReached", S::Voicemail),
    row(225, "asrError", S::Failed),
    row(226, "llmasrError", S::Failed),
    row(227, "ttsError", S::Failed),
    row(228, "functionCallHangup", S::Answered),
    row(229, "maxCallDurationReached", S::Answered),
    row(230, "userInactivity", S::Answered),
    row(231, "callTerminatedByAPI", S::Answered),
    row(232, "userHangupDuringAiCall", S::Answered),
    row(233, "aiAgentEndCall", S::Answered),
    row(501, "callConflict", S::Failed),
    row(502, "clientTimeout", S::Failed),
    row(503, "voipClientError", S::Failed),
];

/// The row of a code.
pub fn by_code(code: i64) -> Option<&'static EndStatus> {
    END_STATUSES.iter().find(|r| r.code == code)
}

/// The row of an `EndStatusString` (the CDR push carries only the string).
pub fn by_name(name: &str) -> Option<&'static EndStatus> {
    END_STATUSES.iter().find(|r| r.name == name)
}

/// The strings the service documents without a number (OUTCOMES.md section 6.1, last caveat).
fn unnumbered(name: &str) -> Option<CallStatus> {
    match name {
        "unconnected" => Some(S::NotAnswered),
        "error" => Some(S::Failed),
        "seatForward" | "outboundForward" => Some(S::Answered),
        _ => None,
    }
}

/// The status of a record: by its code, else by its string, else by whether it was answered.
pub fn status_of(code: Option<i64>, name: Option<&str>, answered: bool) -> CallStatus {
    let known = code
        .and_then(by_code)
        .map(|r| r.status)
        .or_else(|| name.and_then(|n| by_name(n).map(|r| r.status).or_else(|| unnumbered(n))));
    match known {
        // An inbound code that means "answered" on a record that shows no answer time stays as the table says.
        Some(status) => status,
        None if answered => S::Answered,
        None => S::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique() {
        for (i, a) in END_STATUSES.iter().enumerate() {
            for b in &END_STATUSES[i + 1..] {
                assert!(a.code != b.code && a.name != b.name, "{a:?} {b:?}");
            }
        }
        assert_eq!(END_STATUSES.len(), 45);
    }

    #[test]
    fn every_status_is_reachable_and_unknown_codes_stay_open() {
        for status in CallStatus::ALL {
            assert!(END_STATUSES.iter().any(|r| r.status == status), "{status}");
            assert_eq!(CallStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(status_of(Some(234), None, false), S::Failed);
        assert_eq!(status_of(Some(999), Some("somethingNew"), true), S::Answered);
        assert_eq!(status_of(None, Some("busy"), false), S::Busy);
        assert_eq!(status_of(None, Some("unconnected"), false), S::NotAnswered);
        assert_eq!(status_of(Some(205), Some("ok"), false), S::InvalidNumber, "the code wins over the string");
    }
}
