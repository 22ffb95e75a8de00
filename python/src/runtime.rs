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
use std::sync::{mpsc, Mutex};
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
    block_on_in(py, runtime(), cancel, fut)
}

/// [`block_on`] on the given runtime (a thread's own current-thread runtime).
pub fn block_on_in<F: Future + Send>(
    py: Python<'_>,
    rt: &Runtime,
    cancel: &ccc_aicall::CancellationToken,
    fut: F,
) -> Blocked<F::Output>
where
    F::Output: Send,
{
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

/// What `spawn` and `spawn_blocking` hand back: a task, or a completion queued for the completer thread.
pub enum Handle {
    Task(tokio::task::JoinHandle<()>),
    Queued,
}

impl Future for Handle {
    type Output = Result<(), tokio::task::JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        match self.get_mut() {
            Handle::Task(task) => Pin::new(task).poll(cx),
            Handle::Queued => std::task::Poll::Ready(Ok(())),
        }
    }
}

type Completion = Box<dyn FnOnce() + Send>;

/// The completer of this process: one thread that runs the completions of awaitables (each takes the GIL and
/// calls `loop.call_soon_threadsafe`), a batch under one GIL acquisition, instead of a blocking-pool job, thread
/// wake-up and GIL hand-off per call. Re-created after `fork()`, like the runtime.
static COMPLETER: Mutex<Option<(u32, mpsc::Sender<Completion>)>> = Mutex::new(None);
/// Completions taken under one GIL acquisition at most, so that the event loop gets the GIL back in between.
const BATCH: usize = 64;

fn complete_later(job: Completion) {
    let mut slot = COMPLETER.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let pid = std::process::id();
    let job = match &*slot {
        Some((owner, tx)) if *owner == pid => match tx.send(job) {
            Ok(()) => return,
            Err(mpsc::SendError(job)) => job, // the thread is gone (it only ends if it panicked): start another
        },
        _ => job,
    };
    let (tx, rx) = mpsc::channel::<Completion>();
    let started = std::thread::Builder::new().name("ccc-aicall-completer".into()).spawn(move || complete(rx));
    if started.is_err() {
        // No thread to be had: complete on the blocking pool as before rather than never.
        drop(runtime().spawn_blocking(move || run_completions(vec![job])));
        return;
    }
    let _ = tx.send(job);
    *slot = Some((pid, tx));
}

fn complete(rx: mpsc::Receiver<Completion>) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        run_completions(batch);
    }
}

/// Run completions under one GIL acquisition. Once the interpreter is finalizing, taking the GIL from a foreign
/// thread aborts the process, so late completions are dropped and running ones are waited for (`_before_exit`).
fn run_completions(batch: Vec<Completion>) {
    IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
    if !FINALIZING.load(Ordering::SeqCst) {
        Python::attach(|_py| {
            for job in batch {
                // A completion that panicked must not take the others (nor the thread) with it.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
        });
    }
    IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
}

impl GenericRuntime for Shared {
    type JoinError = tokio::task::JoinError;
    type JoinHandle = Handle;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        Handle::Task(runtime().spawn(fut))
    }

    /// pyo3-async-runtimes calls this only to complete a Python future (with the GIL); nothing awaits it.
    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        complete_later(Box::new(f));
        Handle::Queued
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
