//! A minimal HTTP/1.1 server on 127.0.0.1 for the core's own unit tests (which cannot use the emulator crate, as it
//! depends on this one): it answers every request with a placed call, counts requests, and lets a test look at
//! each request as it arrives.

use crate::{Client, ClientConfig, CreateAiCallRequest};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Called with each request's body as it arrives, before it is answered.
pub type OnRequest = Arc<dyn Fn(&[u8]) + Send + Sync>;

pub struct TestServer {
    pub endpoint: String,
    hits: Arc<AtomicUsize>,
}

impl TestServer {
    pub async fn start(on_request: Option<OnRequest>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let h = hits.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, h.clone(), on_request.clone()));
            }
        });
        TestServer { endpoint, hits }
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    pub fn client(&self, rate_limit: f64) -> Client {
        Client::new(ClientConfig {
            secret_id: Some("AKIDtest".into()),
            secret_key: Some("test-key".into()),
            endpoint: Some(self.endpoint.clone()),
            rate_limit: Some(rate_limit),
            ..Default::default()
        })
        .unwrap()
    }
}

async fn serve(mut stream: TcpStream, hits: Arc<AtomicUsize>, on_request: Option<OnRequest>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let Some(head_end) = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4) else {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + length {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        if let Some(on_request) = &on_request {
            on_request(&buf[head_end..head_end + length]);
        }
        let n = hits.fetch_add(1, Ordering::SeqCst) + 1;
        let body = format!(r#"{{"Response":{{"SessionId":"session-{n}","RequestId":"request-{n}"}}}}"#);
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        if stream.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
        buf.drain(..head_end + length);
    }
}

/// A valid call to `0086130` + `i` on eight digits.
pub fn request(i: usize) -> CreateAiCallRequest {
    CreateAiCallRequest {
        sdk_app_id: 1400000000,
        callee: format!("0086130{i:08}"),
        llm_type: "openai".into(),
        api_key: "sk-test".into(),
        api_url: "https://api.openai.com/v1/".into(),
        system_prompt: Some("Remind the patient of the appointment.".into()),
        model: Some("gpt-4o-mini".into()),
        ..Default::default()
    }
}
