//! A push receiver for the emulator to push to: the core's `PushReceiver` behind a real HTTP server on 127.0.0.1
//! (`/push`, and `/token` for OAuth2), with knobs to refuse or delay replies the way a struggling receiver does.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use ccc_aicall::push::{PushAuth, PushEvent, PushReceiver, PushRequest};
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// One request that reached `/push`, in arrival order.
#[derive(Debug, Clone)]
pub struct Arrival {
    pub push_id: Option<String>,
    pub action: String,
    pub status: u16,
    pub duplicate: bool,
    pub event: Option<PushEvent>,
}

#[derive(Default)]
struct Knobs {
    /// Answer this many next pushes `{"ErrCode": 1}` without handling them.
    refuse: usize,
    /// Handle this many next pushes, then wait this long before answering.
    delay: (usize, Duration),
}

pub struct Receiver {
    addr: SocketAddr,
    arrivals: Arc<Mutex<Vec<Arrival>>>,
    tokens_issued: Arc<Mutex<usize>>,
    knobs: Arc<Mutex<Knobs>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start(auth: PushAuth) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a receiver");
        let addr = listener.local_addr().unwrap();
        let receiver = Arc::new(PushReceiver::new(auth));
        let arrivals: Arc<Mutex<Vec<Arrival>>> = Arc::default();
        let tokens_issued: Arc<Mutex<usize>> = Arc::default();
        let knobs: Arc<Mutex<Knobs>> = Arc::default();
        let (a, t, k) = (arrivals.clone(), tokens_issued.clone(), knobs.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let (receiver, a, t, k) = (receiver.clone(), a.clone(), t.clone(), k.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |req| serve(req, receiver.clone(), a.clone(), t.clone(), k.clone()));
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        Receiver { addr, arrivals, tokens_issued, knobs, task }
    }

    /// The push URL to configure.
    pub fn url(&self) -> String {
        format!("http://{}/push", self.addr)
    }

    pub fn token_url(&self) -> String {
        format!("http://{}/token", self.addr)
    }

    pub fn arrivals(&self) -> Vec<Arrival> {
        self.arrivals.lock().unwrap().clone()
    }

    /// The new pushes delivered, in order.
    pub fn events(&self) -> Vec<PushEvent> {
        self.arrivals().into_iter().filter_map(|a| a.event).collect()
    }

    pub fn tokens_issued(&self) -> usize {
        *self.tokens_issued.lock().unwrap()
    }

    pub fn refuse_next(&self, n: usize) {
        self.knobs.lock().unwrap().refuse = n;
    }

    pub fn delay_next(&self, n: usize, by: Duration) {
        self.knobs.lock().unwrap().delay = (n, by);
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    req: Request<hyper::body::Incoming>,
    receiver: Arc<PushReceiver>,
    arrivals: Arc<Mutex<Vec<Arrival>>>,
    tokens_issued: Arc<Mutex<usize>>,
    knobs: Arc<Mutex<Knobs>>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    let header_refs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let request = PushRequest {
        method: parts.method.as_str(),
        query: parts.uri.query().unwrap_or_default(),
        headers: &header_refs,
        body: &body,
    };
    let reply = if parts.uri.path() == "/token" {
        let reply = receiver.token(&request);
        if reply.status == 200 {
            *tokens_issued.lock().unwrap() += 1;
        }
        reply
    } else {
        let action = request.query.split('&').find_map(|p| p.strip_prefix("action=")).unwrap_or_default().to_string();
        let push_id = headers.iter().find(|(k, _)| k == "x-tccc-push-uuid").map(|(_, v)| v.clone());
        let (refuse, delay) = {
            let mut knobs = knobs.lock().unwrap();
            let refuse = knobs.refuse > 0;
            knobs.refuse = knobs.refuse.saturating_sub(1);
            let delay = (!refuse && knobs.delay.0 > 0).then_some(knobs.delay.1);
            if delay.is_some() {
                knobs.delay.0 -= 1;
            }
            (refuse, delay)
        };
        if refuse {
            arrivals.lock().unwrap().push(Arrival { push_id, action, status: 503, duplicate: false, event: None });
            return Ok(respond(503, "application/json", r#"{"ErrCode": 1, "ErrMsg": "busy"}"#.into(), &[]));
        }
        let handled = receiver.handle(&request);
        arrivals.lock().unwrap().push(Arrival {
            push_id,
            action,
            status: handled.reply.status,
            duplicate: handled.duplicate,
            event: handled.event,
        });
        if let Some(by) = delay {
            tokio::time::sleep(by).await;
        }
        handled.reply
    };
    Ok(respond(reply.status, reply.content_type, reply.body, &reply.headers))
}

fn respond(status: u16, content_type: &str, body: String, headers: &[(&'static str, String)]) -> Response<Full<Bytes>> {
    let mut builder = Response::builder().status(status).header("Content-Type", content_type);
    for (name, value) in headers {
        builder = builder.header(*name, value);
    }
    builder.body(Full::new(Bytes::from(body))).unwrap()
}
