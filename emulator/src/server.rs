//! The HTTP/1.1 server: connections, faults, and the handle tests and bindings hold.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::io::{self, Write};
use std::net::{Shutdown, SocketAddr, TcpListener as StdTcpListener, TcpStream as StdTcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, DATE};
use hyper::http::request::Parts;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio_rustls::TlsAcceptor;

use crate::actions;
use crate::auth::header;
use crate::config::{Credential, EmulatorConfig};
use crate::envelope::{self, ApiError};
use crate::fault::{DelayPhase, Fault, FaultKind};
use crate::push::{self, PushConfig, PushRecord};
use crate::script::CallScript;
use crate::state::{shift, PlacedCall, Shared};
use crate::tls;

type Body = Full<Bytes>;

/// A running emulator. Every accessor is synchronous and thread-safe; dropping it stops the server.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    thread: Mutex<Option<JoinHandle<()>>>,
    /// With `tls`: the PEM of the CA that signed its certificate.
    ca_pem: Option<String>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator").field("endpoint", &self.endpoint()).finish()
    }
}

fn bind(config: &EmulatorConfig) -> io::Result<(StdTcpListener, Arc<Shared>, Option<tls::Identity>)> {
    let identity = if config.tls { Some(tls::identity(&config.host)?) } else { None };
    let listener = StdTcpListener::bind((config.host.as_str(), config.port))?;
    listener.set_nonblocking(true)?;
    let scheme = if identity.is_some() { "https" } else { "http" };
    let shared = Shared::serving(config, format!("{scheme}://{}", listener.local_addr()?));
    Ok((listener, Arc::new(shared), identity))
}

fn split_identity(identity: Option<tls::Identity>) -> (Option<TlsAcceptor>, Option<String>) {
    match identity {
        Some(id) => (Some(id.acceptor), Some(id.ca_pem)),
        None => (None, None),
    }
}

impl Emulator {
    /// Bind and serve on the current tokio runtime (call it from inside one).
    pub async fn start(config: EmulatorConfig) -> io::Result<Emulator> {
        let (listener, shared, identity) = bind(&config)?;
        let (acceptor, ca_pem) = split_identity(identity);
        let listener = TcpListener::from_std(listener)?;
        let addr = listener.local_addr()?;
        let (shutdown, rx) = watch::channel(false);
        tokio::spawn(serve(listener, shared.clone(), rx, acceptor));
        Ok(Emulator { shared, addr, shutdown, thread: Mutex::new(None), ca_pem })
    }

    /// Bind and serve on a runtime of its own, on a thread of its own; usable without any runtime.
    pub fn start_blocking(config: EmulatorConfig) -> io::Result<Emulator> {
        let (listener, shared, identity) = bind(&config)?;
        let (acceptor, ca_pem) = split_identity(identity);
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let listener = {
            let _entered = runtime.enter();
            TcpListener::from_std(listener)?
        };
        let (shutdown, rx) = watch::channel(false);
        let served = shared.clone();
        let thread = std::thread::Builder::new()
            .name("ccc-aicall-emulator".to_string())
            .spawn(move || runtime.block_on(serve(listener, served, rx, acceptor)))?;
        Ok(Emulator { shared, addr, shutdown, thread: Mutex::new(Some(thread)), ca_pem })
    }

    /// `http://127.0.0.1:PORT`, or `https://...` with `tls`.
    pub fn endpoint(&self) -> String {
        let scheme = if self.ca_pem.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// With `tls`: the PEM certificate of the throwaway CA that signed the server's certificate; trust it
    /// (`ca_file`) to get through. `None` without `tls`.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The key pairs it accepts, the configured first.
    pub fn credentials(&self) -> Vec<Credential> {
        self.shared.credentials.clone()
    }

    /// Every `CreateAICall` placed so far, oldest first.
    pub fn calls(&self) -> Vec<PlacedCall> {
        self.shared.calls()
    }

    /// HTTP requests received, whatever became of them.
    pub fn hits(&self) -> u64 {
        self.shared.hits()
    }

    /// HTTP requests received with this `X-TC-Action` (`""` counts those without one).
    pub fn hits_for(&self, action: &str) -> u64 {
        self.shared.hits_for(action)
    }

    /// HTTP requests received, by `X-TC-Action`.
    pub fn hits_by_action(&self) -> BTreeMap<String, u64> {
        self.shared.hits_by_action()
    }

    /// Queue a fault (FIFO; see [`Fault`]).
    pub fn inject(&self, fault: Fault) {
        self.shared.inject(fault);
    }

    /// Faults not used up yet, in queue order.
    pub fn pending_faults(&self) -> Vec<Fault> {
        self.shared.pending_faults()
    }

    pub fn clock_offset(&self) -> i64 {
        self.shared.clock_offset()
    }

    /// Put the emulator's clock `secs` seconds ahead of (or, negative, behind) the real one. It decides
    /// `AuthFailure.SignatureExpire` and the `Date` header of every response.
    pub fn set_clock_offset(&self, secs: i64) {
        self.shared.set_clock_offset(secs);
    }

    pub fn rate_limit(&self) -> f64 {
        self.shared.rate_limit()
    }

    /// Requests per second of each action (every action has a bucket of its own, as each has its own
    /// documented limit); 0 disables. The buckets start full.
    pub fn set_rate_limit(&self, requests_per_second: f64) {
        self.shared.set_rate_limit(requests_per_second);
    }

    /// How calls to `callee` go from now on (calls already placed keep theirs). `callee` in any form
    /// (`008613012345678`, `+8613012345678`): numbers compare by their digits after a leading `+` or `00`.
    /// `"*"` scripts every callee without a script of its own. Unscripted calls are answered, ring for
    /// `ringing_ms`, talk for `talking_ms` and have a two-sentence transcript.
    pub fn script(&self, callee: &str, script: CallScript) {
        self.shared.set_script(callee, script);
    }

    /// Forget every script (calls already placed keep theirs).
    pub fn clear_scripts(&self) {
        self.shared.clear_scripts();
    }

    /// The scripts, by callee digits (`*` for the default).
    pub fn scripts(&self) -> BTreeMap<String, CallScript> {
        self.shared.scripts()
    }

    /// Push every finished call's record (and recording) to a receiver from now on, as the service does once
    /// "Data Push" is switched on in its console; `None` stops pushing (pushes under way finish). Calls that
    /// finished before are pushed too, once each.
    pub fn set_push(&self, config: Option<PushConfig>) -> Result<(), String> {
        if let Some(config) = &config {
            config.check()?;
        }
        self.shared.pushes.configure(config);
        Ok(())
    }

    pub fn push_config(&self) -> Option<PushConfig> {
        self.shared.pushes.config()
    }

    /// Every push made so far, in the order they were made, with each attempt's answer.
    pub fn pushes(&self) -> Vec<PushRecord> {
        self.shared.pushes.log()
    }

    /// Forget calls, counters, faults, sessions, scripts and the push log, and refill the rate-limit buckets. The
    /// clock offset, the rate limit and the push settings stay as set.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Stop serving and close every connection. Idempotent; also done on drop.
    pub fn stop(&self) {
        self.shutdown.send_replace(true);
        let thread = self.thread.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(thread) = thread {
            if thread.thread().id() != std::thread::current().id() {
                let _ = thread.join();
            }
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
    tls: Option<TlsAcceptor>,
) {
    if *shutdown.borrow_and_update() {
        return;
    }
    tokio::spawn(push::run(shared.clone(), shutdown.clone()));
    loop {
        tokio::select! {
            _ = shutdown.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(connection(stream, shared.clone(), shutdown.clone(), tls.clone()));
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }
}

/// One connection, plus a second handle on its socket so that a fault can stall, write raw bytes or
/// hang up underneath hyper.
struct Connection {
    raw: StdTcpStream,
    abort: Notify,
}

async fn connection(stream: TcpStream, shared: Arc<Shared>, shutdown: watch::Receiver<bool>, tls: Option<TlsAcceptor>) {
    let _ = stream.set_nodelay(true);
    let Ok((stream, raw)) = split(stream) else { return };
    let conn = Arc::new(Connection { raw, abort: Notify::new() });
    match tls {
        None => serve_connection(stream, shared, conn, shutdown).await,
        // A client that does not trust the certificate ends the handshake: no request, no hit.
        Some(acceptor) => {
            if let Ok(Ok(stream)) = tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream)).await {
                serve_connection(stream, shared, conn, shutdown).await;
            }
        }
    }
}

async fn serve_connection<S>(stream: S, shared: Arc<Shared>, conn: Arc<Connection>, mut shutdown: watch::Receiver<bool>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let for_service = conn.clone();
    let service = service_fn(move |req| {
        let shared = shared.clone();
        let conn = for_service.clone();
        async move { Ok::<_, Infallible>(handle(shared, conn, req).await) }
    });
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(Duration::from_secs(30)).auto_date_header(false);
    let serving = builder.serve_connection(TokioIo::new(stream), service);
    // Whichever ends first; dropping `serving` closes the socket.
    tokio::select! {
        _ = serving => {}
        _ = conn.abort.notified() => {}
        _ = shutdown.changed() => {}
    }
}

fn split(stream: TcpStream) -> io::Result<(TcpStream, StdTcpStream)> {
    let std_stream = stream.into_std()?;
    let raw = std_stream.try_clone()?;
    Ok((TcpStream::from_std(std_stream)?, raw))
}

impl Connection {
    /// Wait without reading; false if the client hung up meanwhile.
    async fn stall(&self, delay: Duration) -> bool {
        // A year is forever for a test, and keeps the arithmetic from overflowing.
        let deadline = Instant::now() + delay.min(Duration::from_secs(365 * 86_400));
        loop {
            if self.peer_closed() {
                return false;
            }
            let now = Instant::now();
            if now >= deadline {
                return true;
            }
            tokio::time::sleep((deadline - now).min(Duration::from_millis(20))).await;
        }
    }

    /// An orderly close from the client with nothing left unread. (Unread bytes hide a close; then
    /// the stall simply runs its course.)
    fn peer_closed(&self) -> bool {
        let mut byte = [0u8; 1];
        match self.raw.peek(&mut byte) {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => !matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted),
        }
    }

    async fn write_raw(&self, mut data: &[u8]) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !data.is_empty() {
            match (&self.raw).write(data) {
                Ok(0) => return,
                Ok(n) => data = data.get(n..).unwrap_or_default(),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                Err(_) => return,
            }
        }
    }

    /// Close the connection without (another) answer. Never returns: the connection task drops the
    /// request with the connection.
    async fn hang_up(&self) -> Response<Body> {
        let _ = self.raw.shutdown(Shutdown::Both);
        self.abort.notify_one();
        std::future::pending().await
    }
}

pub(crate) enum BodyError {
    TooLarge,
    Broken,
}

pub(crate) async fn read_body(parts: &Parts, body: Incoming, limit: usize) -> Result<Bytes, BodyError> {
    let declared = header(&parts.headers, CONTENT_LENGTH.as_str()).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(BodyError::TooLarge),
        Err(_) => Err(BodyError::Broken),
    }
}

async fn handle(shared: Arc<Shared>, conn: Arc<Connection>, req: Request<Incoming>) -> Response<Body> {
    if req.uri().path().starts_with(crate::admin::PREFIX) {
        return crate::admin::handle(&shared, req).await;
    }
    let action = header(req.headers(), "x-tc-action").unwrap_or_default().to_string();
    let fault = shared.arrive(&action);
    let request_id = envelope::request_id();

    let date_skew = match &fault {
        Some(FaultKind::SkewedDate { secs }) => *secs,
        _ => 0,
    };
    if let Some(FaultKind::Delay { phase: DelayPhase::BeforeRead, ms }) = &fault {
        let client_waited = conn.stall(Duration::from_millis(*ms)).await;
        if !client_waited {
            return conn.hang_up().await;
        }
    }

    let (parts, body) = req.into_parts();
    let body = match read_body(&parts, body, shared.max_body_bytes).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            let err = ApiError::new(
                "RequestSizeLimitExceeded",
                format!("The request body exceeds the limit of {} bytes.", shared.max_body_bytes),
            );
            return json_response(&shared, 0, &envelope::error(&err, &request_id));
        }
        Err(BodyError::Broken) => return conn.hang_up().await,
    };

    let processed = match &fault {
        Some(FaultKind::Error { placed: false, .. }) => Value::Null,
        _ => actions::process(&shared, &parts, &body, &request_id),
    };

    match fault {
        None | Some(FaultKind::Delay { phase: DelayPhase::BeforeRead, .. }) | Some(FaultKind::SkewedDate { .. }) => {
            json_response(&shared, date_skew, &processed)
        }
        Some(FaultKind::Error { code, message, .. }) => {
            let message = message.unwrap_or_else(|| format!("The emulator injected {code}."));
            json_response(&shared, 0, &envelope::error(&ApiError::new(&code, message), &request_id))
        }
        Some(FaultKind::HttpStatus { status }) => html_response(&shared, status),
        Some(FaultKind::Delay { phase: DelayPhase::AfterRead, ms }) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            json_response(&shared, 0, &processed)
        }
        Some(FaultKind::CloseAfterRead) => conn.hang_up().await,
        Some(FaultKind::MalformedBody) => {
            let garbled = format!("{{\"Response\": {{\"SessionId\": <garbled>, \"RequestId\": \"{request_id}\"}}}}");
            response(&shared, 0, StatusCode::OK, "application/json", garbled.into())
        }
        Some(FaultKind::TruncatedBody) => {
            let full = processed.to_string();
            let sent = full.get(..full.len() / 2).unwrap_or_default();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Date: {}\r\nConnection: close\r\n\r\n",
                full.len(),
                httpdate::fmt_http_date(shared.now())
            );
            conn.write_raw(format!("{head}{sent}").as_bytes()).await;
            conn.hang_up().await
        }
    }
}

pub(crate) fn response(
    shared: &Shared,
    date_skew: i64,
    status: StatusCode,
    content_type: &'static str,
    body: Bytes,
) -> Response<Body> {
    let mut resp = Response::new(Full::new(body));
    *resp.status_mut() = status;
    let headers = resp.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(shift(shared.now(), date_skew))) {
        headers.insert(DATE, date);
    }
    resp
}

/// The service's own answer: HTTP 200, exactly `application/json` (one official SDK needs exactly that).
fn json_response(shared: &Shared, date_skew: i64, body: &Value) -> Response<Body> {
    response(shared, date_skew, StatusCode::OK, "application/json", body.to_string().into())
}

/// What a proxy in front of the service answers when the service fails.
fn html_response(shared: &Shared, status: u16) -> Response<Body> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let title = format!("{} {}", status.as_str(), status.canonical_reason().unwrap_or("Error"));
    let html = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n\
         <hr><center>ccc-aicall-emulator</center>\r\n</body>\r\n</html>\r\n"
    );
    response(shared, 0, status, "text/html", html.into())
}
