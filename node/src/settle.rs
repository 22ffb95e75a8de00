//! Promises settled through one threadsafe function per environment, in batches.
//!
//! `Env::spawn_future` creates a threadsafe function (a libuv async handle, an environment cleanup hook) for
//! every Promise, wakes the event loop once per finished call, closes the handle again, and spawns a second
//! tokio task per call to watch for panics. With many calls in flight that is most of what the JavaScript
//! thread does besides the caller's own code. Here every environment has one threadsafe function, created on
//! first use and referenced only while calls are pending (so an idle client never holds the process open, and a
//! pending call always does, as before); finished calls queue their outcome, and only the first outcome queued
//! while the JavaScript thread has not yet drained the queue wakes it. The JavaScript thread then settles every
//! queued Promise in one go.
//!
//! Outcomes are what `spawn_future` gave: the value converted by its `ToNapiValue`, a `napi::Error` converted
//! the same way, and a panic rejected with its message (`&str` payloads) or "Panic in async function".

use napi::bindgen_prelude::ToNapiValue;
use napi::{sys, Env};
use std::any::Any;
use std::cell::RefCell;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// Turns a finished call's outcome into the JavaScript value that settles its Promise (on the JS thread).
type Settle = Box<dyn FnOnce(sys::napi_env) -> napi::Result<sys::napi_value> + Send>;

struct Done {
    slot: usize,
    outcome: Result<Settle, napi::Error>,
}

/// Shared with the tokio tasks: the queue of finished calls and the environment's threadsafe function.
struct Shared {
    state: Mutex<State>,
}

struct State {
    queue: Vec<Done>,
    /// `None` once Node has finalized the threadsafe function (environment teardown): outcomes are dropped.
    tsfn: Option<Tsfn>,
}

#[derive(Clone, Copy)]
struct Tsfn(sys::napi_threadsafe_function);
// A threadsafe function exists to be called from any thread; `State`'s mutex orders the calls with its
// finalization, so none is made after Node has freed it.
unsafe impl Send for Tsfn {}

/// The JavaScript thread's side: the deferreds of pending calls, by slot.
struct Local {
    env: sys::napi_env,
    shared: Arc<Shared>,
    tsfn: Tsfn,
    deferreds: Vec<Option<sys::napi_deferred>>,
    free: Vec<usize>,
    pending: usize,
}

thread_local! {
    static LOCAL: RefCell<Option<Local>> = const { RefCell::new(None) };
}

/// Run `fut` on napi's tokio runtime; the returned Promise settles with its outcome, as `Env::spawn_future`.
pub fn spawn<T, F>(env: &Env, fut: F) -> napi::Result<sys::napi_value>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = napi::Result<T>> + Send + 'static,
{
    let raw_env = env.raw();
    let (shared, slot, promise) = LOCAL.with(|cell| -> napi::Result<_> {
        let mut local = cell.borrow_mut();
        if local.as_ref().is_some_and(|l| l.env != raw_env) {
            // Another environment on this thread (not something Node does): start afresh for it.
            *local = None;
        }
        if local.is_none() {
            *local = Some(Local::new(raw_env)?);
        }
        let local = local.as_mut().expect("just set");
        let mut deferred = ptr::null_mut();
        let mut promise = ptr::null_mut();
        check(unsafe { sys::napi_create_promise(raw_env, &mut deferred, &mut promise) }, "create a promise")?;
        if local.pending == 0 {
            check(unsafe { sys::napi_ref_threadsafe_function(raw_env, local.tsfn.0) }, "ref")?;
        }
        local.pending += 1;
        let slot = match local.free.pop() {
            Some(slot) => {
                local.deferreds[slot] = Some(deferred);
                slot
            }
            None => {
                local.deferreds.push(Some(deferred));
                local.deferreds.len() - 1
            }
        };
        Ok((local.shared.clone(), slot, promise))
    })?;
    napi::bindgen_prelude::spawn(async move {
        let outcome = match CatchUnwind(fut).await {
            Ok(Ok(value)) => Ok(Box::new(move |env| unsafe { T::to_napi_value(env, value) }) as Settle),
            Ok(Err(e)) => Err(e),
            Err(panic) => Err(panic_error(panic)),
        };
        shared.finish(Done { slot, outcome });
    });
    Ok(promise)
}

impl Local {
    fn new(env: sys::napi_env) -> napi::Result<Self> {
        let shared = Arc::new(Shared { state: Mutex::new(State { queue: Vec::new(), tsfn: None }) });
        let mut name = ptr::null_mut();
        let text = "ccc-aicall settle";
        check(unsafe { sys::napi_create_string_utf8(env, text.as_ptr().cast(), text.len() as isize, &mut name) }, "name")?;
        let mut tsfn = ptr::null_mut();
        // The threadsafe function owns one strong count of `Shared`, given back in `finalize`.
        let context = Arc::into_raw(shared.clone()) as *mut std::ffi::c_void;
        let status = unsafe {
            sys::napi_create_threadsafe_function(
                env,
                ptr::null_mut(),
                ptr::null_mut(),
                name,
                0,
                1,
                context,
                Some(finalize),
                context,
                Some(drain),
                &mut tsfn,
            )
        };
        if let Err(e) = check(status, "create the threadsafe function") {
            drop(unsafe { Arc::from_raw(context as *const Shared) });
            return Err(e);
        }
        // Idle: the process may exit. Referenced again while a call is pending.
        check(unsafe { sys::napi_unref_threadsafe_function(env, tsfn) }, "unref")?;
        shared.state.lock().unwrap_or_else(|p| p.into_inner()).tsfn = Some(Tsfn(tsfn));
        Ok(Local { env, shared, tsfn: Tsfn(tsfn), deferreds: Vec::new(), free: Vec::new(), pending: 0 })
    }
}

impl Shared {
    /// Queue a finished call; wake the JavaScript thread unless a wake-up is already on its way.
    fn finish(&self, done: Done) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let Some(tsfn) = state.tsfn else { return };
        state.queue.push(done);
        if state.queue.len() == 1 {
            // Under the lock, so that Node cannot finalize the function meanwhile (see `finalize`).
            unsafe { sys::napi_call_threadsafe_function(tsfn.0, ptr::null_mut(), sys::ThreadsafeFunctionCallMode::nonblocking) };
        }
    }
}

/// On the JavaScript thread: settle every queued call.
unsafe extern "C" fn drain(env: sys::napi_env, _js: sys::napi_value, context: *mut std::ffi::c_void, _data: *mut std::ffi::c_void) {
    if env.is_null() {
        return; // the environment is going away; nothing can be settled
    }
    let shared = unsafe { &*(context as *const Shared) };
    let batch = std::mem::take(&mut shared.state.lock().unwrap_or_else(|p| p.into_inner()).queue);
    LOCAL.with(|cell| {
        let mut guard = cell.borrow_mut();
        let Some(local) = guard.as_mut().filter(|l| l.env == env) else { return };
        for done in batch {
            let Some(deferred) = local.deferreds.get_mut(done.slot).and_then(Option::take) else { continue };
            local.free.push(done.slot);
            local.pending -= 1;
            settle(env, deferred, done.outcome);
        }
        if local.pending == 0 {
            unsafe { sys::napi_unref_threadsafe_function(env, local.tsfn.0) };
        }
    });
}

fn settle(env: sys::napi_env, deferred: sys::napi_deferred, outcome: Result<Settle, napi::Error>) {
    let value = outcome.and_then(|make| make(env));
    match value {
        Ok(value) => unsafe {
            sys::napi_resolve_deferred(env, deferred, value);
        },
        Err(e) => unsafe {
            match napi::Error::to_napi_value(env, e) {
                Ok(error) => {
                    sys::napi_reject_deferred(env, deferred, error);
                }
                Err(_) => {
                    let mut msg = ptr::null_mut();
                    let mut error = ptr::null_mut();
                    let text = "Rejection failed";
                    sys::napi_create_string_utf8(env, text.as_ptr().cast(), text.len() as isize, &mut msg);
                    sys::napi_create_error(env, ptr::null_mut(), msg, &mut error);
                    sys::napi_reject_deferred(env, deferred, error);
                }
            }
        },
    }
}

/// Node finalizes the threadsafe function at environment teardown: no call may reach it after this.
unsafe extern "C" fn finalize(_env: sys::napi_env, data: *mut std::ffi::c_void, _hint: *mut std::ffi::c_void) {
    let shared = unsafe { Arc::from_raw(data as *const Shared) };
    let mut state = shared.state.lock().unwrap_or_else(|p| p.into_inner());
    state.tsfn = None;
    state.queue.clear();
    drop(state);
    // The deferreds of this environment die with it; forget them without any napi call.
    let _ = LOCAL.try_with(|cell| {
        if let Ok(mut local) = cell.try_borrow_mut() {
            if local.as_ref().is_some_and(|l| Arc::ptr_eq(&l.shared, &shared)) {
                *local = None;
            }
        }
    });
}

fn panic_error(panic: Box<dyn Any + Send>) -> napi::Error {
    match panic.downcast_ref::<&str>() {
        Some(s) => napi::Error::new(napi::Status::GenericFailure, s.to_string()),
        None => napi::Error::new(napi::Status::GenericFailure, "Panic in async function"),
    }
}

fn check(status: sys::napi_status, what: &str) -> napi::Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::new(napi::Status::from(status), format!("ccc-aicall: could not {what} ({status})")))
    }
}

/// A future's panic as its output, so the Promise rejects instead of staying pending.
struct CatchUnwind<F>(F);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Safety: the inner future is never moved out of its pinned place.
        let inner = unsafe { self.map_unchecked_mut(|s| &mut s.0) };
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}
