//! make bench: the floor. A bare reqwest client (the core's own reqwest 0.12 + rustls build) sends the bench's
//! request as pre-signed bytes to the emulator, one call after another: the least one call can cost on this
//! machine, which the bindings should approach. `--mode floor_mt` drives the same bare client on the multi-thread
//! runtime the bindings use; `--mode core` runs our Rust `Client` that way (validation, fresh signature, envelope
//! parsing per call), `--mode core_ct` the same on a current-thread runtime. Together they split a binding's
//! overhead into runtime, core and binding.
//!
//! `cargo bench -p ccc-aicall --bench floor -- --endpoint http://127.0.0.1:PORT [--mode floor|floor_mt|core|core_ct]
//! [--seconds S] [--warmup N]` prints one JSON object: calls, seconds, calls_per_s, p50_us, p99_us,
//! cpu_us_per_call, all_calls (warm-up included).

use ccc_aicall::signer::{self, SigningInput, CONTENT_TYPE_JSON};
use ccc_aicall::{Client, ClientConfig, CreateAiCallRequest, KeyCase};
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const REQUEST: &str = include_str!("../../bench/request.json");
const SECRET_ID: &str = "AKIDccclocalemulatortestid00000000";
const SECRET_KEY: &str = "ccc-local-emulator-test-secret-key";

struct Args {
    endpoint: String,
    mode: String,
    seconds: f64,
    warmup: usize,
}

fn args() -> Args {
    let mut a = Args { endpoint: String::new(), mode: "floor".into(), seconds: 3.0, warmup: 200 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--bench" => {} // added by `cargo bench`
            "--endpoint" => a.endpoint = it.next().expect("--endpoint URL"),
            "--mode" => a.mode = it.next().expect("--mode floor|floor_mt|core|core_ct"),
            "--seconds" => a.seconds = it.next().and_then(|s| s.parse().ok()).expect("--seconds S"),
            "--warmup" => a.warmup = it.next().and_then(|s| s.parse().ok()).expect("--warmup N"),
            other => panic!("unknown argument {other}"),
        }
    }
    assert!(!a.endpoint.is_empty(), "--endpoint http://127.0.0.1:PORT is required");
    a
}

fn request() -> Value {
    serde_json::from_str(REQUEST).expect("bench/request.json is JSON")
}

/// User + system CPU time of this process (all threads), from /proc/self/stat, in microseconds.
fn cpu_us() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    let fields: Vec<&str> = stat[stat.rfind(')').expect("comm") + 2..].split(' ').collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks * 1e6 / 100.0 // USER_HZ is 100 on Linux
}

/// The headers our core sends, signed once: the emulator accepts a timestamp for five minutes.
fn presigned(endpoint: &str, body: &[u8]) -> HeaderMap {
    let url = reqwest::Url::parse(endpoint).expect("endpoint URL");
    let host = format!("{}:{}", url.host_str().expect("host"), url.port_or_known_default().expect("port"));
    let timestamp = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let signed_headers = [("content-type", CONTENT_TYPE_JSON), ("host", host.as_str())];
    let signed = signer::sign(
        SECRET_ID,
        SECRET_KEY,
        &SigningInput {
            method: "POST",
            path: "/",
            query: "",
            headers: &signed_headers,
            payload: body,
            service: "ccc",
            timestamp,
        },
    );
    let mut h = HeaderMap::new();
    let mut put = |k: &'static str, v: &str| h.insert(k, HeaderValue::from_str(v).unwrap());
    put("content-type", CONTENT_TYPE_JSON);
    put("host", &host);
    put("x-tc-action", "CreateAICall");
    put("x-tc-version", ccc_aicall::API_VERSION);
    put("x-tc-timestamp", &timestamp.to_string());
    put("x-tc-language", "en-US");
    put("authorization", &signed.authorization);
    h
}

async fn floor_call(http: &reqwest::Client, url: &reqwest::Url, headers: &HeaderMap, body: reqwest::Body) {
    let resp = http.post(url.clone()).headers(headers.clone()).body(body).send().await.expect("send");
    let status = resp.status();
    let bytes = resp.bytes().await.expect("read");
    assert!(
        status.is_success() && contains(&bytes, b"\"SessionId\""),
        "unexpected answer: {}",
        String::from_utf8_lossy(&bytes)
    );
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let a = args();
    let wire = CreateAiCallRequest::from_value(request(), KeyCase::Wire)
        .and_then(|r| r.to_wire_body())
        .expect("valid request");
    let mut latencies = Vec::new();
    let (calls, seconds, cpu) = match a.mode.as_str() {
        "floor" | "floor_mt" => {
            // `floor`: one thread, no cross-thread wake-ups, the cheapest way to drive one connection.
            // `floor_mt`: the same client on the multi-thread runtime the bindings use, driven by `block_on` from
            // the caller's thread: the cost of that runtime alone.
            let rt = if a.mode == "floor" {
                tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
            } else {
                tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap()
            };
            rt.block_on(async {
                let http = reqwest::Client::builder().tcp_nodelay(true).build().unwrap();
                let url = reqwest::Url::parse(&a.endpoint).unwrap();
                let headers = presigned(&a.endpoint, wire.as_bytes());
                // A static body: no call copies or re-encodes the payload.
                let payload: &'static [u8] = Box::leak(wire.clone().into_bytes().into_boxed_slice());
                let body = || reqwest::Body::from(payload);
                for _ in 0..a.warmup {
                    floor_call(&http, &url, &headers, body()).await;
                }
                run(a.seconds, &mut latencies, || floor_call(&http, &url, &headers, body())).await
            })
        }
        "core" | "core_ct" => {
            // `core`: as the async bindings run it: the multi-thread runtime, and per call the loose request is
            // parsed, validated and serialised, then signed afresh and the envelope parsed. `core_ct`: the same on a
            // current-thread runtime, as the Python `Client` runs its blocking calls.
            let rt = if a.mode == "core" {
                tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap()
            } else {
                tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
            };
            rt.block_on(async {
                let client = Client::new(ClientConfig {
                    secret_id: Some(SECRET_ID.into()),
                    secret_key: Some(SECRET_KEY.into()),
                    endpoint: Some(a.endpoint.clone()),
                    rate_limit: Some(0.0),
                    ..Default::default()
                })
                .expect("client");
                let value = request();
                let call = |client: Client, value: Value| async move {
                    let req = CreateAiCallRequest::from_value(value, KeyCase::Wire).expect("valid");
                    client.create_ai_call(&req).await.expect("placed");
                };
                for _ in 0..a.warmup {
                    call(client.clone(), value.clone()).await;
                }
                run(a.seconds, &mut latencies, || call(client.clone(), value.clone())).await
            })
        }
        other => panic!("unknown mode {other}"),
    };
    latencies.sort_by(|x, y| x.partial_cmp(y).unwrap());
    println!(
        "{}",
        serde_json::json!({
            "mode": a.mode,
            "calls": calls,
            "seconds": seconds,
            "calls_per_s": calls as f64 / seconds,
            "p50_us": percentile(&latencies, 0.50),
            "p99_us": percentile(&latencies, 0.99),
            "cpu_us_per_call": cpu / calls as f64,
            "body_bytes": wire.len(),
            "all_calls": calls + a.warmup,
        })
    );
}

/// Sequential calls for `seconds`; latencies in microseconds. Returns (calls, wall seconds, CPU microseconds).
async fn run<F, Fut>(seconds: f64, latencies: &mut Vec<f64>, mut call: F) -> (usize, f64, f64)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let deadline = Duration::from_secs_f64(seconds);
    let (cpu0, start) = (cpu_us(), Instant::now());
    while start.elapsed() < deadline {
        let t = Instant::now();
        call().await;
        latencies.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let wall = start.elapsed().as_secs_f64();
    (latencies.len(), wall, cpu_us() - cpu0)
}
