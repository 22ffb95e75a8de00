//! The one tokio runtime of the process, shared by the sync and the async API, and re-created after `fork()`.
//!
//! A runtime inherited across `fork()` has no worker threads in the child: the child gets a fresh one (the
//! inherited one is leaked, since dropping it would wait for threads that do not exist).

use pyo3::prelude::*;
use pyo3_async_runtimes::generic::{ContextExt, Runtime as GenericRuntime};
use pyo3_async_runtimes::TaskLocals;
use std::cell::OnceCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::runtime::Runtime;

/// How often a blocking call wakes up to let Python handle Ctrl-C.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

static RUNTIME: Mutex<Option<(u32, &'static Runtime)>> = Mutex::new(None);

/// The runtime of this process.
pub fn runtime() -> &'static Runtime {
    let mut slot = RUNTIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let pid = std::process::id();
    match *slot {
        Some((owner, rt)) if owner == pid => rt,
        _ => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .thread_name("ccc-aicall")
                .build()
                .expect("could not start the ccc-aicall tokio runtime");
            let rt: &'static Runtime = Box::leak(Box::new(rt));
            *slot = Some((pid, rt));
            rt
        }
    }
}

/// How a blocking call ended.
pub enum Blocked<T> {
    Done(T),
    /// Python raised (Ctrl-C): the call was cancelled and ran to its (cancelled) end; both are kept.
    Interrupted(PyErr, T),
}

/// Run `fut` on the shared runtime with the GIL released, checking Python's signal handlers between slices;
/// on an exception from them (KeyboardInterrupt), `cancel` fires and the future is run to its end.
pub fn block_on<F: Future + Send>(py: Python<'_>, cancel: &ccc_aicall::CancellationToken, fut: F) -> Blocked<F::Output>
where
    F::Output: Send,
{
    let rt = runtime();
    let mut fut = std::pin::pin!(fut);
    loop {
        let slice = py.detach(|| rt.block_on(async { tokio::time::timeout(SIGNAL_POLL, fut.as_mut()).await.ok() }));
        if let Some(out) = slice {
            return Blocked::Done(out);
        }
        if let Err(interrupt) = py.check_signals() {
            cancel.cancel();
            return Blocked::Interrupted(interrupt, py.detach(|| rt.block_on(fut.as_mut())));
        }
    }
}

static FINALIZING: AtomicBool = AtomicBool::new(false);
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
/// How long interpreter exit waits for completions already running.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// Registered with `atexit` (which runs before finalization): stop completing futures, and let the ones being
/// completed finish, with the GIL released so they can take it.
#[pyfunction]
pub fn _before_exit(py: Python<'_>) {
    FINALIZING.store(true, Ordering::SeqCst);
    py.detach(|| {
        let deadline = std::time::Instant::now() + EXIT_GRACE;
        while IN_FLIGHT.load(Ordering::SeqCst) > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

/// `pyo3_async_runtimes`' view of [`runtime`], so awaitables run on the same, fork-aware runtime.
pub struct Shared;

tokio::task_local! {
    static TASK_LOCALS: OnceCell<TaskLocals>;
}

impl GenericRuntime for Shared {
    type JoinError = tokio::task::JoinError;
    type JoinHandle = tokio::task::JoinHandle<()>;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        runtime().spawn(fut)
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        // These jobs complete Python futures with the GIL. Once the interpreter is finalizing, taking the GIL
        // from a foreign thread aborts the process, so late jobs are dropped and running ones are waited for.
        runtime().spawn_blocking(move || {
            IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
            if !FINALIZING.load(Ordering::SeqCst) {
                f();
            }
            IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
        })
    }
}

impl ContextExt for Shared {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = OnceCell::new();
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS.try_with(|c| c.get().cloned()).unwrap_or_default()
    }
}

/// Turn a Rust future into a Python awaitable on the shared runtime; cancelling the awaitable drops the future.
pub fn future_into_py<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    pyo3_async_runtimes::generic::future_into_py::<Shared, F, T>(py, fut)
}
