//! Acting on a live call: HangUpCall, ControlAIConversation and TransferToManual (OUTCOMES.md §8). Each checks
//! the session's state and changes it under one lock.

use std::time::Instant;

use serde_json::{Map, Value};

use crate::actions::session_params;
use crate::envelope::ApiError;
use crate::params::Fields;
use crate::script::{HangupSide, CANCELLED_WHILE_RINGING, TERMINATED_BY_API};
use crate::state::{Cut, Push, Session, Shared, Status, Transfer, PUSH_PLAY_MS};

fn session_not_exists(session_id: &str) -> ApiError {
    ApiError::new("FailedOperation.SessionNotExists", format!("The session `{session_id}` does not exist."))
}

fn not_in_control_state(session_id: &str, status: Status) -> ApiError {
    ApiError::new(
        "FailedOperation.SessionNotInControlState",
        format!("The session `{session_id}` is {} and cannot be controlled now.", status.as_str()),
    )
}

/// Run `act` on the session of this application under the lock; `None` if there is none.
fn with_own_session<R>(
    shared: &Shared,
    sdk_app_id: u64,
    session_id: &str,
    act: impl FnOnce(&mut Session, Status, u64) -> R,
) -> Option<R> {
    let now = Instant::now();
    shared
        .with_session(session_id, |s| (s.sdk_app_id == sdk_app_id).then(|| act(s, s.status(now), s.elapsed_ms(now))))
        .flatten()
}

/// A live session ends now. The service documents nothing for a session that is over; the emulator answers
/// `FailedOperation.SessionNotExists` (the code its sibling actions use for a session that cannot be acted on),
/// and `ResourceNotFound` for one it never had, like DescribeTelSession.
pub(crate) fn hang_up_call(shared: &Shared, params: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    let (sdk_app_id, session_id) = session_params(params)?;
    let outcome = with_own_session(shared, sdk_app_id, &session_id, |s, status, at_ms| {
        let end_status = match status {
            Status::Finished => return Err(session_not_exists(&session_id)),
            Status::Ringing => CANCELLED_WHILE_RINGING,
            Status::InProgress => TERMINATED_BY_API,
        };
        s.cut = Some(Cut { at_ms, end_status, side: HangupSide::System });
        Ok(Map::new())
    });
    outcome.unwrap_or_else(|| {
        Err(ApiError::new("ResourceNotFound", format!("The session `{session_id}` does not exist for this SdkAppId.")))
    })
}

const PUSH_TEXT_FIELDS: [&str; 7] =
    ["Text", "Interrupt", "StopAfterPlay", "Audio", "DropMode", "Priority", "AddHistory"];

/// What a ControlAIConversation asks for, once its parameters are checked.
struct Command {
    name: String,
    text: Option<String>,
    stop_after_play: bool,
}

fn command_params(params: &Map<String, Value>) -> Result<(u64, String, Command), ApiError> {
    let mut f = Fields::new(params, &["SessionId", "SdkAppId", "Command", "ServerPushText", "InvokeLLM"]);
    let sdk_app_id = f.uint_or_digits("SdkAppId", true);
    let session_id = f.string("SessionId", true);
    // The definition does not flag Command required, but without it there is nothing to do.
    let name = f.string("Command", true).unwrap_or_default();
    let mut command = Command { name: name.clone(), text: None, stop_after_play: false };
    match name.as_str() {
        "ServerPushText" => {
            if let Some(mut push) = f.object("ServerPushText", true, &PUSH_TEXT_FIELDS) {
                let text = push.string("Text", false);
                let audio = push.string("Audio", false);
                for flag in ["Interrupt", "AddHistory"] {
                    push.boolean(flag);
                }
                command.stop_after_play = push.boolean("StopAfterPlay").unwrap_or(false);
                for (name, what) in [("DropMode", "0 (drop) or 1 (queue)"), ("Priority", "0 or 1")] {
                    if push.uint(name, false).is_some_and(|v| v > 1) {
                        push.invalid(name, &format!("must be {what}"));
                    }
                }
                match (&text, &audio) {
                    (Some(_), Some(_)) => push.invalid("Audio", "is not accepted together with Text"),
                    (None, None) if push.is_clean() => push.missing("Text", "Text or Audio is required"),
                    (Some(t), None) if t.is_empty() => push.invalid("Text", "must not be empty"),
                    (None, Some(a)) if !is_base64(a) => push.invalid("Audio", "must be non-empty Base64"),
                    _ => {}
                }
                command.text = text;
                f.absorb(push);
            }
            if f.has("InvokeLLM") {
                f.invalid("InvokeLLM", "is used only with Command InvokeLLM");
            }
        }
        "InvokeLLM" => {
            if let Some(mut invoke) = f.object("InvokeLLM", true, &["Content", "Interrupt"]) {
                command.text = invoke.string("Content", false);
                invoke.boolean("Interrupt");
                f.absorb(invoke);
            }
            if f.has("ServerPushText") {
                f.invalid("ServerPushText", "is used only with Command ServerPushText");
            }
        }
        "" => {}
        _ => f.invalid("Command", "must be ServerPushText or InvokeLLM"),
    }
    f.finish()?;
    Ok((sdk_app_id.unwrap_or_default(), session_id.unwrap_or_default(), command))
}

fn is_base64(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

/// Only a call in progress, still with the AI (not transferred to a person), is in a controllable state; a
/// ringing or finished one is not (the service does not list the states). A pushed text is recorded and said as
/// an AI turn. `StopAfterPlay` ends the call once the text is said: the service only says the conversation task
/// closes, not whether the phone call ends; for an AI call nothing is left to talk to, so the emulator ends it,
/// as ended by the API (231, by the system).
pub(crate) fn control_ai_conversation(
    shared: &Shared,
    params: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let (sdk_app_id, session_id, command) = command_params(params)?;
    let outcome = with_own_session(shared, sdk_app_id, &session_id, |s, status, at_ms| {
        if status != Status::InProgress || !s.transfers.is_empty() {
            return Err(not_in_control_state(&session_id, status));
        }
        if command.stop_after_play {
            let end = at_ms.saturating_add(PUSH_PLAY_MS);
            if end < s.end_ms() {
                s.cut = Some(Cut { at_ms: end, end_status: TERMINATED_BY_API, side: HangupSide::System });
            }
        }
        s.pushes.push(Push {
            at_ms,
            command: command.name,
            text: command.text,
            stop_after_play: command.stop_after_play,
        });
        Ok(Map::new())
    });
    outcome.unwrap_or_else(|| Err(session_not_exists(&session_id)))
}

/// A call in progress is handed to a skill group's agents: its record gets a `staffSeat` leg for that group.
/// For a finished call the emulator answers `FailedOperation.SessionNotExists` and for a ringing one
/// `FailedOperation.SessionNotInControlState` (neither is documented for this action).
pub(crate) fn transfer_to_manual(shared: &Shared, params: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    let mut f = Fields::new(params, &["SdkAppId", "SessionId", "SkillGroupId"]);
    let sdk_app_id = f.uint("SdkAppId", true);
    let session_id = f.string("SessionId", true).unwrap_or_default();
    let skill_group_id = f.uint("SkillGroupId", true);
    f.finish()?;
    let skill_group_id = skill_group_id.unwrap_or_default();
    if skill_group_id == 0 {
        return Err(ApiError::new("InvalidParameterValue.SkillGroupError", "SkillGroupId: no skill group 0."));
    }
    let outcome =
        with_own_session(shared, sdk_app_id.unwrap_or_default(), &session_id, |s, status, at_ms| match status {
            Status::Finished => Err(session_not_exists(&session_id)),
            Status::Ringing => Err(not_in_control_state(&session_id, status)),
            Status::InProgress => {
                s.transfers.push(Transfer { at_ms, skill_group_id });
                Ok(Map::new())
            }
        });
    outcome.unwrap_or_else(|| Err(session_not_exists(&session_id)))
}
