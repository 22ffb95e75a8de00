//! The emulator's data pushes into the core's push receiver, both on real HTTP servers on 127.0.0.1: every call of
//! a campaign reaches the receiver exactly once, whatever the sender does (duplicates, reordering, re-pushes after
//! a refusal, a late reply or a receiver that is down), only with the right credentials, and decodes to the same
//! outcome as the pulled record.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use ccc_aicall::campaign::{Campaign, CampaignOptions, ItemStatus};
use ccc_aicall::push::{PushAuth as ReceiverAuth, PushKind};
use ccc_aicall::{CallRef, CallStatus, CreateAiCallRequest, Secret, WaitOptions};
use ccc_aicall_emulator::{CallScript, Emulator, PushAuth, PushConfig, PushRecord};
use common::receiver::Receiver;
use common::SDK_APP_ID;

fn callee(i: usize) -> String {
    format!("0086133{i:08}")
}

fn request(i: usize) -> CreateAiCallRequest {
    common::call_to(callee(i))
}

/// Answered, not answered, busy, ... : (end status, expected status).
const CODES: [(i64, CallStatus); 5] = [
    (1, CallStatus::Answered),
    (202, CallStatus::NotAnswered),
    (206, CallStatus::Busy),
    (1, CallStatus::Answered),
    (203, CallStatus::Rejected),
];

fn basic() -> ReceiverAuth {
    ReceiverAuth::Basic { username: "ccc".into(), password: Secret::new("right-password") }
}

fn basic_sender(password: &str) -> PushAuth {
    PushAuth::Basic { username: "ccc".into(), password: password.into() }
}

fn fast(url: String, auth: PushAuth) -> PushConfig {
    PushConfig { auth, retry_delay_ms: 30, timeout_ms: 2000, ..PushConfig::new(url) }
}

/// Place `n` scripted calls as a campaign; the session ids and their expected statuses.
async fn campaign(emu: &Emulator, n: usize) -> HashMap<String, CallStatus> {
    for i in 0..n {
        let (code, _) = CODES[i % CODES.len()];
        let script = CallScript {
            end_status: Some(code),
            ring_ms: Some(10 + (i as u64 * 7) % 40),
            talk_ms: Some(20 + (i as u64 * 11) % 60),
            ..CallScript::default()
        };
        emu.script(&callee(i), script);
    }
    let client = common::unlimited_client(emu, None);
    let options = CampaignOptions { concurrency: 8, ..CampaignOptions::default() };
    let report = client.create_ai_calls(Campaign::new((0..n).map(request).collect()), options).await.unwrap();
    assert_eq!(report.count(ItemStatus::Placed), n);
    report
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.result.as_ref().unwrap().session_id.clone(), CODES[i % CODES.len()].1))
        .collect()
}

/// Until `expected` pushes exist and each is acknowledged (with its duplicate sent, when asked) or out of attempts.
async fn settled(emu: &Emulator, expected: usize, attempts: usize, duplicate: bool) -> Vec<PushRecord> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let log = emu.pushes();
        let done = |r: &PushRecord| {
            let sent = r.attempts.iter().filter(|a| !a.duplicate).count();
            (r.acknowledged && (!duplicate || r.attempts.iter().any(|a| a.duplicate))) || sent >= attempts
        };
        if log.len() >= expected && log.iter().all(done) {
            return log;
        }
        assert!(Instant::now() < deadline, "pushes did not settle: {} of {expected}: {log:#?}", log.len());
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_call_arrives_once_through_duplicates_and_reordering() {
    let emu = common::start_unlimited().await;
    let receiver = Receiver::start(basic()).await;
    let config = PushConfig { duplicate: true, reorder: true, ..fast(receiver.url(), basic_sender("right-password")) };
    emu.set_push(Some(config)).unwrap();
    let n = 20;
    let expected = campaign(&emu, n).await;
    let answered = expected.values().filter(|s| **s == CallStatus::Answered).count();
    let log = settled(&emu, n + answered, 4, true).await;

    assert!(log.iter().all(|r| r.acknowledged && r.attempts.len() == 2), "{log:#?}");
    assert_eq!(log.iter().filter(|r| r.action == "cdr").count(), n);
    assert_eq!(log.iter().filter(|r| r.action == "record").count(), answered);
    let ids: BTreeSet<&str> = log.iter().map(|r| r.push_id.as_str()).collect();
    assert_eq!(ids.len(), log.len(), "one id per push");

    // Every push came twice; the receiver delivered it once and acknowledged the copy.
    let arrivals = receiver.arrivals();
    assert_eq!(arrivals.len(), 2 * log.len());
    assert_eq!(arrivals.iter().filter(|a| a.duplicate).count(), log.len());
    assert!(arrivals.iter().all(|a| a.status == 200));
    let events = receiver.events();
    let records: Vec<_> = events.iter().filter(|e| e.kind == PushKind::Cdr).collect();
    let sessions: BTreeSet<&str> = records.iter().filter_map(|e| e.session_id.as_deref()).collect();
    assert_eq!(records.len(), n, "each call's record exactly once");
    assert_eq!(sessions, expected.keys().map(String::as_str).collect());

    // Out of order: each recorded call's recording reached the receiver before its record.
    let position = |kind: PushKind, session: &str| {
        events.iter().position(|e| e.kind == kind && e.session_id.as_deref() == Some(session)).unwrap()
    };
    let recordings: Vec<_> = events.iter().filter(|e| e.kind == PushKind::Recording).collect();
    assert_eq!(recordings.len(), answered);
    for recording in &recordings {
        let session = recording.session_id.as_deref().unwrap();
        assert!(recording.recording_url.as_deref().is_some_and(|u| u.ends_with(".mp3")));
        assert!(position(PushKind::Recording, session) < position(PushKind::Cdr, session));
    }

    // The pushed record decodes to what the pulled one says.
    let client = common::unlimited_client(&emu, None);
    let wait = WaitOptions {
        transcript: false,
        extraction: false,
        poll_interval: Duration::from_millis(20),
        ..WaitOptions::default()
    };
    for event in records {
        let pushed = event.outcome.as_ref().expect("a record push carries its outcome");
        assert_eq!(pushed.status, expected[&pushed.session_id], "{pushed:?}");
        assert_eq!(pushed.end_status, None, "the push documents only EndStatusString");
        let call = CallRef::new(SDK_APP_ID, pushed.session_id.clone());
        let pulled = client.wait_for_call(&call, &wait).await.unwrap();
        assert_eq!(
            (pushed.status, &pushed.end_status_string, pushed.answered, pushed.answered_at, pushed.ended_at),
            (pulled.status, &pulled.end_status_string, pulled.answered, pulled.answered_at, pulled.ended_at),
        );
        assert_eq!(
            (&pushed.callee, &pushed.hangup_side, pushed.talk_duration, pushed.sdk_app_id),
            (&pulled.callee, &pulled.hangup_side, pulled.talk_duration, Some(SDK_APP_ID)),
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_or_missing_credentials_are_refused_on_every_attempt() {
    let emu = common::start_unlimited().await;
    let receiver = Receiver::start(basic()).await;
    emu.set_push(Some(PushConfig { recording: false, ..fast(receiver.url(), basic_sender("wrong")) })).unwrap();
    campaign(&emu, 2).await;
    let log = settled(&emu, 2, 4, false).await;
    for record in &log {
        assert!(!record.acknowledged);
        let statuses: Vec<_> = record.attempts.iter().map(|a| a.status).collect();
        assert_eq!(statuses, vec![Some(401); 4], "the first push and three re-pushes");
        assert!(record.attempts.iter().all(|a| a.err_code == Some(401)));
    }
    assert!(receiver.events().is_empty());

    emu.reset();
    emu.set_push(Some(PushConfig { recording: false, ..fast(receiver.url(), PushAuth::None) })).unwrap();
    campaign(&emu, 1).await;
    let log = settled(&emu, 1, 4, false).await;
    assert!(log[0].attempts.iter().all(|a| a.status == Some(401)));
    assert!(receiver.events().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth2_pushes_carry_a_token_the_receiver_issued() {
    let emu = common::start_unlimited().await;
    let auth = ReceiverAuth::OAuth2 {
        client_id: "ccc-pusher".into(),
        client_secret: Secret::new("client-secret"),
        token_ttl: Duration::from_secs(60),
    };
    let receiver = Receiver::start(auth).await;
    let sender = |secret: &str| PushAuth::OAuth2 {
        token_url: receiver.token_url(),
        client_id: "ccc-pusher".into(),
        client_secret: secret.into(),
    };
    let config = PushConfig { recording: false, reorder: true, ..fast(receiver.url(), sender("client-secret")) };
    emu.set_push(Some(config)).unwrap();
    let expected = campaign(&emu, 5).await;
    let log = settled(&emu, 5, 4, false).await;
    assert!(log.iter().all(|r| r.acknowledged && r.attempts.len() == 1), "{log:#?}");
    assert_eq!(receiver.events().len(), expected.len());
    assert_eq!(receiver.tokens_issued(), 1, "sent one after the other, the pushes share one token");

    // A wrong client secret gets no token, so no push is even sent.
    emu.reset();
    emu.set_push(Some(PushConfig { recording: false, ..fast(receiver.url(), sender("wrong")) })).unwrap();
    campaign(&emu, 1).await;
    let log = settled(&emu, 1, 4, false).await;
    assert!(log[0].attempts.iter().all(|a| a.status.is_none() && a.error.as_deref().unwrap().starts_with("token:")));
    assert_eq!(receiver.events().len(), expected.len());
    assert_eq!(receiver.tokens_issued(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusing_or_slow_receiver_is_pushed_again_and_delivers_once() {
    let emu = common::start_unlimited().await;
    let receiver = Receiver::start(ReceiverAuth::None).await;
    receiver.refuse_next(2);
    emu.set_push(Some(PushConfig { recording: false, ..fast(receiver.url(), PushAuth::None) })).unwrap();
    campaign(&emu, 1).await;
    let log = settled(&emu, 1, 4, false).await;
    let statuses: Vec<_> = log[0].attempts.iter().map(|a| (a.status, a.err_code)).collect();
    assert_eq!(statuses, vec![(Some(503), Some(1)), (Some(503), Some(1)), (Some(200), Some(0))]);
    assert_eq!(receiver.events().len(), 1);

    // Handled, but answered after the sender gave up: the re-push is a duplicate, acknowledged, not delivered.
    emu.reset();
    receiver.delay_next(1, Duration::from_millis(900));
    let config = PushConfig { recording: false, timeout_ms: 300, ..fast(receiver.url(), PushAuth::None) };
    emu.set_push(Some(config)).unwrap();
    campaign(&emu, 1).await;
    let log = settled(&emu, 1, 4, false).await;
    assert_eq!(log[0].attempts.len(), 2, "{log:#?}");
    assert_eq!(log[0].attempts[0].error.as_deref(), Some("no reply in time"));
    assert!(log[0].acknowledged);
    let arrivals = receiver.arrivals();
    let last_two: Vec<bool> = arrivals[arrivals.len() - 2..].iter().map(|a| a.duplicate).collect();
    assert_eq!(last_two, vec![false, true]);
    assert_eq!(receiver.events().len(), 2, "one per call");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_is_down_gets_four_attempts_then_nothing() {
    let emu = common::start_unlimited().await;
    let down = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/push", down.local_addr().unwrap());
    drop(down);
    emu.set_push(Some(PushConfig { recording: false, ..fast(url, PushAuth::None) })).unwrap();
    campaign(&emu, 1).await;
    let log = settled(&emu, 1, 4, false).await;
    assert_eq!(log[0].attempts.len(), 4);
    assert!(log[0].attempts.iter().all(|a| a.status.is_none() && a.error.is_some()));
    assert!(!log[0].acknowledged);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(emu.pushes()[0].attempts.len(), 4, "no fifth attempt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_surface_sets_pushes_and_lists_them() {
    let emu = common::start_unlimited().await;
    let receiver = Receiver::start(basic()).await;
    let http = reqwest::Client::new();
    let admin = |path: &str| format!("{}/__emulator/{path}", emu.endpoint());
    let bad = http.post(admin("push")).body(r#"{"url": "mailto:x"}"#).send().await.unwrap();
    assert_eq!(bad.status(), 400);
    let config = serde_json::json!({
        "url": receiver.url(), "retry_delay_ms": 30,
        "auth": {"type": "basic", "username": "ccc", "password": "right-password"},
    });
    let set = http.post(admin("push")).body(config.to_string()).send().await.unwrap();
    assert_eq!(set.status(), 200);
    assert!(emu.push_config().is_some_and(|c| c.retry_delay_ms == 30));
    campaign(&emu, 1).await;
    settled(&emu, 2, 4, false).await;
    let listed = http.get(admin("pushes")).send().await.unwrap().bytes().await.unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&listed).unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["action"], "cdr");
    assert_eq!(listed[0]["acknowledged"], true);
    assert_eq!(listed[0]["body"]["SdkAppId"], SDK_APP_ID);
    assert!(!listed.iter().any(|p| p.to_string().contains("right-password")));
    let off = http.post(admin("push")).body("null").send().await.unwrap();
    assert_eq!(off.status(), 200);
    assert!(emu.push_config().is_none());
}

/// A receiver running as several processes: a re-push that reaches another process is recognised, and a token one
/// issued is accepted by another, through a real redis-server; with Redis gone each goes on with its own memory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receivers_sharing_redis_deliver_a_push_once_and_accept_each_others_tokens() {
    use ccc_aicall::push::{PushReceiver, PushRequest};
    let mut redis = common::redis::RedisServer::start();
    let auth = || ReceiverAuth::OAuth2 {
        client_id: "ccc-pusher".into(),
        client_secret: Secret::new("client-secret"),
        token_ttl: Duration::from_secs(60),
    };
    let a = PushReceiver::new(auth()).with_redis(&redis.url()).unwrap();
    let b = PushReceiver::new(auth()).with_redis(&redis.url()).unwrap();
    let form = b"grant_type=client_credentials&client_id=ccc-pusher&client_secret=client-secret";
    let token_request = PushRequest { method: "POST", query: "", headers: &[], body: form };
    let issued = a.token(&token_request);
    assert_eq!(issued.status, 200);
    let token: serde_json::Value = serde_json::from_str(&issued.body).unwrap();
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let body = br#"{"SessionId": "s-1", "EndStatusString": "ok", "AcceptTimestamp": 1608130639}"#;
    let push = |receiver: &PushReceiver, id: &str| {
        let headers = [("Authorization", bearer.as_str()), ("X-TCCC-PUSH-UUID", id)];
        receiver.handle(&PushRequest { method: "POST", query: "action=cdr&version=1", headers: &headers, body })
    };
    let first = push(&a, "p-1");
    assert!(first.event.is_some() && !first.duplicate);
    let again = push(&b, "p-1");
    assert_eq!((again.reply.status, again.duplicate, again.event.is_none()), (200, true, true), "{again:?}");
    let other = push(&b, "p-2");
    assert!(other.event.is_some(), "B accepts A's token: {other:?}");
    // A receiver without the store does not know A's token.
    let alone = PushReceiver::new(auth());
    assert_eq!(push(&alone, "p-3").reply.status, 401);

    redis.stop();
    let down = push(&a, "p-4");
    assert!(down.event.is_some(), "Redis down: A goes on with its own memory");
    assert!(push(&a, "p-4").duplicate, "and still drops its own re-push");
    assert!(push(&a, "p-1").duplicate, "ids A delivered before are in its memory too");
    assert_eq!(push(&b, "p-5").reply.status, 200, "B knew A's token only through Redis, but had seen it work");
}
