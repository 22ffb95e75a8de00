//! The shared store (issue 17) against a real redis-server and the emulator, both on 127.0.0.1: one rate-limit
//! budget across OS processes, idempotency keys across clients, and what happens when Redis stops and comes back.
//! The invariant throughout: the emulator never records a call the clients were not entitled to send.

mod common;

use ccc_aicall::{CallOptions, Client, ClientConfig, CreateAiCallRequest, Error, ErrorKind};
use ccc_aicall_emulator::{Emulator, EmulatorConfig, TEST_SECRET_ID, TEST_SECRET_KEY};
use common::redis::RedisServer;
use std::process::Command;

const CHILD_ROLE: &str = "CCC_TEST_SHARED_STORE_CHILD";
const PROCESSES: usize = 4;
const CALLS_EACH: usize = 50;

fn request(n: usize) -> CreateAiCallRequest {
    common::call_to(format!("+86 130 {:04} {:04}", n / 10000, n % 10000))
}

/// A client of the emulator through the shared store at `redis_url`, at the service's 20/s. No retries: a throttle
/// must show up as an error, not be hidden by a retry.
fn config(endpoint: &str, redis_url: &str) -> ClientConfig {
    ClientConfig {
        secret_id: Some(TEST_SECRET_ID.into()),
        secret_key: Some(TEST_SECRET_KEY.into()),
        endpoint: Some(endpoint.into()),
        redis_url: Some(redis_url.into()),
        max_retries: Some(0),
        rate_limit: Some(20.0),
        ..Default::default()
    }
}

fn keyed(key: &str) -> CallOptions {
    CallOptions { idempotency_key: Some(key.into()) }
}

/// Not a test of its own: the role of each child process of `separate_processes_share_one_budget`, which runs this
/// test binary again with this test selected and its parameters in the environment.
#[test]
fn child_process_places_calls() {
    let Ok(params) = std::env::var(CHILD_ROLE) else { return };
    let (endpoint, redis_url, first) = match params.split(' ').collect::<Vec<_>>()[..] {
        [e, r, f] => (e.to_string(), r.to_string(), f.parse::<usize>().unwrap()),
        _ => panic!("bad child parameters {params:?}"),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (placed, limited, other) = runtime.block_on(async {
        let client = Client::new(config(&endpoint, &redis_url)).unwrap();
        let mut calls = tokio::task::JoinSet::new();
        for n in first..first + CALLS_EACH {
            let client = client.clone();
            calls.spawn(async move { client.create_ai_call(&request(n)).await });
        }
        let results = calls.join_all().await;
        let limited = results.iter().filter(|r| matches!(r, Err(e) if e.kind() == ErrorKind::RateLimited)).count();
        let placed = results.iter().filter(|r| r.is_ok()).count();
        for e in results.iter().filter_map(|r| r.as_ref().err()) {
            eprintln!("child call failed: {e}");
        }
        (placed, limited, results.len() - placed - limited)
    });
    println!("RESULT placed={placed} limited={limited} other={other}");
}

#[test]
fn separate_processes_share_one_budget() {
    let redis = RedisServer::start();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // The emulator's limiter is the service's: 20/s for the account, whoever sends.
    let emu = runtime.block_on(Emulator::start(EmulatorConfig::default())).unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..PROCESSES)
        .map(|i| {
            Command::new(&exe)
                .args(["child_process_places_calls", "--exact", "--nocapture", "--test-threads", "1"])
                .env(CHILD_ROLE, format!("{} {} {}", emu.endpoint(), redis.url(), i * CALLS_EACH))
                .output_async()
        })
        .collect();
    let (mut placed, mut limited, mut other) = (0, 0, 0);
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "child failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        // libtest writes its own text on the same line: take the RESULT from where it starts.
        let line = stdout.lines().find_map(|l| l.find("RESULT ").map(|i| &l[i..])).unwrap_or_else(|| {
            panic!("no RESULT line from the child: {stdout}\n{}", String::from_utf8_lossy(&out.stderr))
        });
        let field = |name: &str| -> usize {
            let part = line.split(' ').find(|p| p.starts_with(name)).unwrap();
            part[name.len() + 1..].parse().unwrap()
        };
        placed += field("placed");
        limited += field("limited");
        other += field("other");
    }
    assert_eq!((placed, limited, other), (PROCESSES * CALLS_EACH, 0, 0), "every call placed, none throttled");
    let calls = emu.calls();
    assert_eq!(calls.len(), PROCESSES * CALLS_EACH);
    assert_eq!(emu.hits_for("CreateAICall") as usize, PROCESSES * CALLS_EACH, "no request was refused and sent again");
    // Spacing as the emulator saw it: 200 calls at 20/s from four processes take about ten seconds, not a quarter
    // of that (each process at 20/s of its own). Generous: timing on a shared machine.
    let mut times: Vec<u64> = calls.iter().map(|c| c.received_at_ms).collect();
    times.sort_unstable();
    let span = times[times.len() - 1] - times[0];
    assert!(span >= 9_000, "200 calls at 20/s took only {span} ms");
    let gaps: Vec<u64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    let mean = gaps.iter().sum::<u64>() as f64 / gaps.len() as f64;
    let mut sorted = gaps.clone();
    sorted.sort_unstable();
    eprintln!(
        "SPACING calls={} span_ms={span} gap_mean_ms={mean:.2} gap_min_ms={} gap_p50_ms={} gap_p99_ms={} gap_max_ms={}",
        times.len(),
        sorted[0],
        sorted[sorted.len() / 2],
        sorted[sorted.len() * 99 / 100],
        sorted[sorted.len() - 1]
    );
}

trait OutputAsync {
    fn output_async(&mut self) -> std::process::Child;
}

impl OutputAsync for Command {
    fn output_async(&mut self) -> std::process::Child {
        self.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_racing_on_one_key_reach_the_emulator_once() {
    let redis = RedisServer::start();
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let mut racers = tokio::task::JoinSet::new();
    for _ in 0..8 {
        // Eight independent clients (as eight processes would have), each with its own connection to Redis.
        let client = Client::new(config(&emu.endpoint(), &redis.url())).unwrap();
        racers.spawn(async move { client.create_ai_call_with(&request(7), &keyed("appt-123")).await });
    }
    let results = racers.join_all().await;
    assert_eq!(emu.calls().len(), 1, "one request reached the emulator: {results:?}");
    let first: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).filter(|r| !r.replayed).collect();
    assert_eq!(first.len(), 1, "{results:?}");
    for r in &results {
        match r {
            Ok(placed) => assert_eq!(placed.session_id, first[0].session_id),
            Err(e) => {
                assert!(matches!(e.inner(), Error::KeyPending { in_flight: true, .. }), "{e}");
                assert!(e.outcome_unknown() && e.to_string().contains("appt-123"), "{e}");
            }
        }
    }
    // Later, from yet another client: the stored result, nothing sent.
    let again = Client::new(config(&emu.endpoint(), &redis.url())).unwrap();
    let replay = again.create_ai_call_with(&request(7), &keyed("appt-123")).await.unwrap();
    assert!(replay.replayed);
    assert_eq!(
        (replay.session_id.as_str(), replay.request_id.as_str()),
        (first[0].session_id.as_str(), first[0].request_id.as_str())
    );
    assert_eq!(emu.calls().len(), 1);
    // The same key in another account is another key.
    let mut other = config(&emu.endpoint(), &redis.url());
    other.secret_id = Some("AKIDanotheraccount0000000000000000000".into());
    other.endpoint = Some("http://127.0.0.1:1".into()); // never reached: only the claim matters here
    let other = Client::new(other).unwrap();
    let e = other.create_ai_call_with(&request(7), &keyed("appt-123")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "claimed afresh, then the send failed: {e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_stopped_nothing_is_sent_and_a_restart_is_picked_up() {
    let mut redis = RedisServer::start();
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::new(config(&emu.endpoint(), &redis.url())).unwrap();
    let fallback =
        Client::new(ClientConfig { store_fallback_local: Some(true), ..config(&emu.endpoint(), &redis.url()) })
            .unwrap();
    client.create_ai_call_with(&request(1), &keyed("k-1")).await.unwrap();
    fallback.create_ai_call(&request(2)).await.unwrap();
    assert_eq!(emu.calls().len(), 2);

    redis.stop();
    for (who, c) in [("fail closed", &client), ("fallback", &fallback)] {
        let e = c.create_ai_call_with(&request(3), &keyed("k-3")).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::StoreUnavailable, "{who}: a keyed call is never sent without its claim: {e}");
        assert!(e.certainly_not_acted() && !e.outcome_unknown(), "{e}");
    }
    let e = client.create_ai_call(&request(4)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::StoreUnavailable, "no shared turn, no call: {e}");
    assert!(e.to_string().contains(&format!("127.0.0.1:{}", redis.port)), "{e}");
    assert_eq!(emu.calls().len(), 2, "nothing was sent while Redis was down");
    fallback.create_ai_call(&request(5)).await.expect("the local limiter stands in when the user chose it");
    assert_eq!(emu.calls().len(), 3);

    redis.restart();
    client.create_ai_call_with(&request(3), &keyed("k-3")).await.expect("a fresh connection to the new server");
    client.create_ai_call(&request(4)).await.unwrap();
    let replay = client.create_ai_call_with(&request(3), &keyed("k-3")).await.unwrap();
    assert!(replay.replayed);
    assert_eq!(emu.calls().len(), 5);
}

/// Without a Redis URL the keys are held in the client's memory, shared by its clones.
#[tokio::test]
async fn without_redis_keys_are_held_in_memory() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::new(ClientConfig { redis_url: None, ..config(&emu.endpoint(), "") }).unwrap();
    let first = client.create_ai_call_with(&request(1), &keyed("appt-9")).await.unwrap();
    let again = client.clone().create_ai_call_with(&request(1), &keyed("appt-9")).await.unwrap();
    assert!(!first.replayed && again.replayed && again.session_id == first.session_id);
    let e = client.create_ai_call_with(&request(1), &keyed("")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert_eq!(emu.calls().len(), 1);
}
