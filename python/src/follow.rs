//! After the call is placed: the arguments of `wait_for_call`, `get_call`, `hang_up`, `say`, `transfer`,
//! `find_calls` and `reconcile` converted to one core action ([`FollowUp`]), which `Client._follow` (blocking) or
//! `Client._follow_async` (awaitable) runs; and [`CallAttempt`], the call an outcome-unknown error may have placed,
//! kept on the exception so that `reconcile` hands the core exactly what it gave.

use crate::client::AiCallResult;
use crate::{convert, errors, outcome};
use ccc_aicall::{
    CallOutcome, CallRef, CallState, CancellationToken, Error, FieldError, ReconcileOptions, Reconciled, SayOptions,
    WaitOptions,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The call an outcome-unknown `create_ai_call` may have placed (the core's `CallAttempt`), carried by the
/// exception (`exc._attempt`) for `reconcile`. Pickles with the exception.
#[pyclass(module = "ccc_aicall._native", frozen, eq)]
#[derive(PartialEq)]
pub struct CallAttempt(pub ccc_aicall::CallAttempt);

/// A duration as (seconds, nanoseconds), as `CallAttempt` pickles it.
type Parts = (u64, u32);

fn parts(d: Duration) -> Parts {
    (d.as_secs(), d.subsec_nanos())
}

#[pymethods]
impl CallAttempt {
    /// `sent_at` and `max_call_duration` as (seconds, nanoseconds), since the Unix epoch for `sent_at`.
    #[new]
    #[pyo3(signature = (sdk_app_id, callee, sent_at, max_call_duration=None))]
    fn new(sdk_app_id: u64, callee: String, sent_at: Parts, max_call_duration: Option<Parts>) -> Self {
        CallAttempt(ccc_aicall::CallAttempt {
            sdk_app_id,
            callee,
            sent_at: UNIX_EPOCH + Duration::new(sent_at.0, sent_at.1),
            max_call_duration: max_call_duration.map(|(s, n)| Duration::new(s, n)),
        })
    }

    #[getter]
    fn sdk_app_id(&self) -> u64 {
        self.0.sdk_app_id
    }

    #[getter]
    fn callee(&self) -> &str {
        &self.0.callee
    }

    #[getter]
    fn sent_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::utc_datetime(py, self.0.sent_at)
    }

    fn __getnewargs__(&self) -> (u64, String, Parts, Option<Parts>) {
        let a = &self.0;
        (
            a.sdk_app_id,
            a.callee.clone(),
            parts(a.sent_at.duration_since(UNIX_EPOCH).unwrap_or_default()),
            a.max_call_duration.map(parts),
        )
    }

    fn __repr__(&self) -> String {
        format!("CallAttempt(sdk_app_id={}, callee={:?})", self.0.sdk_app_id, self.0.callee)
    }
}

/// One action that follows a placed call, its arguments converted.
#[derive(Clone)]
enum Op {
    Wait(CallRef, WaitOptions),
    Get(CallRef),
    HangUp(CallRef),
    Say(CallRef, String, SayOptions),
    Transfer(CallRef, u64),
    Find { sdk_app_id: u64, callee: String, since: SystemTime, until: SystemTime },
    Reconcile(Option<ccc_aicall::CallAttempt>, ReconcileOptions),
}

/// What an action answered.
pub enum Done {
    Outcome(Box<CallOutcome>),
    State(CallState),
    Nothing,
    Outcomes(Vec<CallOutcome>),
    Reconciled(Reconciled),
}

/// An action's answer or error, converted to Python where the GIL is held.
pub struct Followed(pub Result<Done, Error>);

impl<'py> IntoPyObject<'py> for Followed {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.0 {
            Ok(done) => done.into_py(py),
            Err(e) => Err(errors::to_py(py, &e)),
        }
    }
}

impl Done {
    pub fn into_py(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        match self {
            Done::Outcome(o) => outcome::call_outcome(py, &o),
            Done::State(s) => outcome::call_state(py, &s),
            Done::Nothing => Ok(py.None().into_bound(py)),
            Done::Outcomes(calls) => Ok(outcome::call_outcomes(py, &calls)?.into_any()),
            Done::Reconciled(r) => outcome::reconciled(py, &r),
        }
    }
}

/// An action ready to run: built by the `FollowUp.*` constructors, run by `Client._follow(_async)`.
#[pyclass(module = "ccc_aicall._native", frozen)]
pub struct FollowUp(Op);

impl FollowUp {
    /// The core future of this action, with the token that cancels it (a wait stops at once; the other actions
    /// are single requests, run to their end).
    pub fn start(
        &self,
        client: ccc_aicall::Client,
    ) -> (CancellationToken, impl std::future::Future<Output = Result<Done, Error>> + Send + 'static) {
        let cancel = CancellationToken::new();
        let mut op = self.0.clone();
        if let Op::Wait(_, options) = &mut op {
            options.cancel = cancel.clone();
        }
        (cancel, async move { run(&client, op).await })
    }
}

async fn run(client: &ccc_aicall::Client, op: Op) -> Result<Done, Error> {
    Ok(match op {
        Op::Wait(call, options) => Done::Outcome(Box::new(client.wait_for_call(&call, &options).await?)),
        Op::Get(call) => Done::State(client.get_call(&call).await?),
        Op::HangUp(call) => client.hang_up(&call).await.map(|()| Done::Nothing)?,
        Op::Say(call, text, options) => client.say(&call, &text, &options).await.map(|()| Done::Nothing)?,
        Op::Transfer(call, group) => client.transfer(&call, group).await.map(|()| Done::Nothing)?,
        Op::Find { sdk_app_id, callee, since, until } => {
            Done::Outcomes(client.find_calls(sdk_app_id, &callee, since, until).await?)
        }
        Op::Reconcile(Some(attempt), options) => Done::Reconciled(client.reconcile_attempt(&attempt, &options).await?),
        // An exception that carries no call: the core answers for it (a ValidationError naming `error`). Which
        // error stands in for it does not matter: the core reads only the call an error carries.
        Op::Reconcile(None, options) => {
            Done::Reconciled(client.reconcile(&Error::Validation(Vec::new()), &options).await?)
        }
    })
}

fn validation(py: Python<'_>, name: &str, why: &str) -> PyErr {
    errors::to_py(py, &Error::Validation(vec![FieldError::invalid(name, why)]))
}

/// The call to follow: a `create_ai_call` result (its own app, callee and send time), or a session id with its
/// app.
fn call_ref(call: &Bound<'_, PyAny>, sdk_app_id: Option<u64>) -> PyResult<CallRef> {
    let py = call.py();
    if let Ok(placed) = call.cast::<AiCallResult>() {
        let placed = placed.get();
        let call = placed.call_ref();
        if sdk_app_id.is_some_and(|id| id != call.sdk_app_id) {
            return Err(validation(py, "sdk_app_id", "differs from the placed call's own; leave it out"));
        }
        return Ok(call);
    }
    if let Ok(session_id) = call.cast::<PyString>() {
        let Some(sdk_app_id) = sdk_app_id else {
            return Err(errors::to_py(
                py,
                &Error::Validation(vec![FieldError::missing(
                    "sdk_app_id",
                    "required when `call` is a session id (a create_ai_call result carries its own)",
                )]),
            ));
        };
        return Ok(CallRef::new(sdk_app_id, session_id.to_cow()?.into_owned()));
    }
    let type_name = call.get_type().name()?;
    Err(PyTypeError::new_err(format!(
        "call must be a create_ai_call result (AiCallResult) or a session id (str), not {type_name}"
    )))
}

fn opt_duration(value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<Duration>> {
    value.filter(|v| !v.is_none()).map(|v| convert::duration(v, name)).transpose()
}

#[pymethods]
impl FollowUp {
    #[staticmethod]
    #[pyo3(signature = (call, *, sdk_app_id, timeout, transcript, extraction, poll_interval))]
    fn wait(
        call: &Bound<'_, PyAny>,
        sdk_app_id: Option<u64>,
        timeout: &Bound<'_, PyAny>,
        transcript: bool,
        extraction: bool,
        poll_interval: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let options = WaitOptions {
            timeout: convert::duration(timeout, "timeout")?,
            transcript,
            extraction,
            poll_interval: convert::duration(poll_interval, "poll_interval")?,
            ..WaitOptions::default()
        };
        Ok(FollowUp(Op::Wait(call_ref(call, sdk_app_id)?, options)))
    }

    #[staticmethod]
    #[pyo3(signature = (call, *, sdk_app_id))]
    fn get(call: &Bound<'_, PyAny>, sdk_app_id: Option<u64>) -> PyResult<Self> {
        Ok(FollowUp(Op::Get(call_ref(call, sdk_app_id)?)))
    }

    #[staticmethod]
    #[pyo3(signature = (call, *, sdk_app_id))]
    fn hang_up(call: &Bound<'_, PyAny>, sdk_app_id: Option<u64>) -> PyResult<Self> {
        Ok(FollowUp(Op::HangUp(call_ref(call, sdk_app_id)?)))
    }

    #[staticmethod]
    #[pyo3(signature = (call, text, *, interrupt, stop_after_play, add_history, sdk_app_id))]
    fn say(
        call: &Bound<'_, PyAny>,
        text: String,
        interrupt: Option<bool>,
        stop_after_play: Option<bool>,
        add_history: Option<bool>,
        sdk_app_id: Option<u64>,
    ) -> PyResult<Self> {
        let options = SayOptions { interrupt, stop_after_play, add_history };
        Ok(FollowUp(Op::Say(call_ref(call, sdk_app_id)?, text, options)))
    }

    #[staticmethod]
    #[pyo3(signature = (call, skill_group_id, *, sdk_app_id))]
    fn transfer(call: &Bound<'_, PyAny>, skill_group_id: u64, sdk_app_id: Option<u64>) -> PyResult<Self> {
        Ok(FollowUp(Op::Transfer(call_ref(call, sdk_app_id)?, skill_group_id)))
    }

    /// `until` None: now.
    #[staticmethod]
    #[pyo3(signature = (callee, *, sdk_app_id, since, until))]
    fn find(
        callee: String,
        sdk_app_id: u64,
        since: &Bound<'_, PyAny>,
        until: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let since = convert::system_time(since, "since")?;
        let until = match until.filter(|u| !u.is_none()) {
            Some(until) => convert::system_time(until, "until")?,
            None => SystemTime::now(),
        };
        Ok(FollowUp(Op::Find { sdk_app_id, callee, since, until }))
    }

    /// `attempt`: the exception's `_attempt` (None when it carries no call); the options None: the core's defaults.
    #[staticmethod]
    #[pyo3(signature = (attempt, *, max_ring, max_call_duration, record_delay, clock_skew))]
    fn reconcile(
        attempt: Option<&Bound<'_, CallAttempt>>,
        max_ring: Option<&Bound<'_, PyAny>>,
        max_call_duration: Option<&Bound<'_, PyAny>>,
        record_delay: Option<&Bound<'_, PyAny>>,
        clock_skew: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let defaults = ReconcileOptions::default();
        let options = ReconcileOptions {
            max_ring: opt_duration(max_ring, "max_ring")?.unwrap_or(defaults.max_ring),
            max_call_duration: opt_duration(max_call_duration, "max_call_duration")?
                .unwrap_or(defaults.max_call_duration),
            record_delay: opt_duration(record_delay, "record_delay")?.unwrap_or(defaults.record_delay),
            clock_skew: opt_duration(clock_skew, "clock_skew")?.unwrap_or(defaults.clock_skew),
        };
        Ok(FollowUp(Op::Reconcile(attempt.map(|a| a.get().0.clone()), options)))
    }
}
