//! Campaigns through the core against the emulator: one run per journal, the replay rule, early stops, panicking
//! progress callbacks and per-action budgets. The invariant throughout: nobody is dialled twice, and every placed
//! call is in the report.

mod common;

use ccc_aicall::campaign::{Campaign, CampaignOptions, ItemStatus};
use ccc_aicall::{Client, ClientConfig, CreateAiCallRequest, ErrorKind};
use ccc_aicall_emulator::{Emulator, EmulatorConfig, Fault, TEST_SECRET_ID, TEST_SECRET_KEY};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn request(i: usize) -> CreateAiCallRequest {
    common::call_to(format!("0086130{i:08}"))
}

fn campaign(n: usize) -> Campaign {
    Campaign::new((0..n).map(request).collect())
}

async fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig { rate_limit: 0.0, ..EmulatorConfig::default() }).await.unwrap()
}

fn client(emu: &Emulator, rate_limit: f64) -> Client {
    Client::new(ClientConfig {
        secret_id: Some(TEST_SECRET_ID.into()),
        secret_key: Some(TEST_SECRET_KEY.into()),
        endpoint: Some(emu.endpoint()),
        rate_limit: Some(rate_limit),
        ..Default::default()
    })
    .unwrap()
}

fn journal_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ccc-campaign-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("journal.jsonl");
    std::fs::remove_file(&path).ok();
    path
}

/// How often each callee reached the emulator as a placed call.
fn placed_per_callee(emu: &Emulator) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for call in emu.calls() {
        *seen.entry(call.body["Callee"].as_str().unwrap_or_default().to_string()).or_default() += 1;
    }
    seen
}

#[tokio::test]
async fn a_second_run_on_a_journal_in_use_dials_nobody() {
    let emu = emulator().await;
    let client = client(&emu, 10.0);
    let journal = journal_path("in-use");
    let options = CampaignOptions { journal: Some(journal.clone()), concurrency: 2, ..Default::default() };
    let first = tokio::spawn({
        let (client, options) = (client.clone(), options.clone());
        async move { client.create_ai_calls(campaign(10), options).await }
    });
    // The first run is under way (10 calls at 10/s take about a second) when the second starts.
    while emu.hits() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let second = client.create_ai_calls(campaign(10), options).await;
    let err = second.expect_err("a second run on a journal in use must not start");
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    assert!(err.to_string().contains(&journal.display().to_string()), "{err}");
    assert!(err.to_string().contains("in use"), "{err}");
    let report = first.await.unwrap().unwrap();
    assert_eq!(report.count(ItemStatus::Placed), 10);
    let seen = placed_per_callee(&emu);
    assert_eq!(seen.len(), 10);
    assert!(seen.values().all(|n| *n == 1), "{seen:?}");
    assert_eq!(emu.hits(), 10);
}

#[tokio::test]
async fn replay_resends_only_what_certainly_did_not_act() {
    let emu = emulator().await;
    let client = Client::new(ClientConfig { max_retries: Some(0), ..client_config(&emu) }).unwrap();
    let journal = journal_path("replay");
    let options = CampaignOptions { journal: Some(journal.clone()), concurrency: 1, ..Default::default() };
    // Item 0: a code this SDK does not know; item 1: a refusal that does not prove nothing happened; item 2: a rate
    // limit (the service did not act); item 3 is placed.
    emu.inject(Fault::error_with("FailedOperation.SomethingNew", "a future refusal", false));
    emu.inject(Fault::error("FailedOperation.CalleeIsBlackUser"));
    emu.inject(Fault::error("RequestLimitExceeded"));
    let first =
        client.create_ai_calls(campaign(4), CampaignOptions { refused_retries: 0, ..options.clone() }).await.unwrap();
    let statuses: Vec<ItemStatus> = first.items.iter().map(|i| i.status).collect();
    assert_eq!(statuses, [ItemStatus::Failed, ItemStatus::Failed, ItemStatus::Failed, ItemStatus::Placed]);
    assert_eq!(emu.hits(), 4);

    let second = client.create_ai_calls(campaign(4), options).await.unwrap();
    // Only the rate-limited item is sent again.
    assert_eq!(emu.hits(), 5);
    assert_eq!(second.items[2].status, ItemStatus::Placed);
    assert_eq!(second.items[3].status, ItemStatus::AlreadyPlaced);
    for (i, code) in [(0, "FailedOperation.SomethingNew"), (1, "FailedOperation.CalleeIsBlackUser")] {
        let item = &second.items[i];
        assert_eq!(item.status, ItemStatus::Failed, "{item:?}");
        assert_eq!(item.attempts, 0, "not sent again in this run");
        let err = item.error.as_ref().expect("the earlier error, from the journal");
        assert_eq!(err.code(), Some(code));
        assert!(err.request_id().is_some_and(|r| !r.is_empty()), "{err:?}");
    }
    assert!(placed_per_callee(&emu).values().all(|n| *n == 1));
}

fn client_config(emu: &Emulator) -> ClientConfig {
    ClientConfig {
        secret_id: Some(TEST_SECRET_ID.into()),
        secret_key: Some(TEST_SECRET_KEY.into()),
        endpoint: Some(emu.endpoint()),
        rate_limit: Some(0.0),
        ..Default::default()
    }
}

#[tokio::test]
async fn an_early_stop_sends_none_of_the_calls_waiting_in_the_limiter() {
    let emu = emulator().await;
    // 5/s: the first call is answered late (placed), the second is refused account-wide; the rest wait in the
    // limiter when the stop comes.
    emu.inject(Fault::delay_after_read(Duration::from_millis(800)));
    emu.inject(Fault::error("FailedOperation.AIConcurrentNoPackage"));
    let client = client(&emu, 5.0);
    let report =
        client.create_ai_calls(campaign(10), CampaignOptions { concurrency: 10, ..Default::default() }).await.unwrap();
    assert_eq!(report.stopped_by.as_ref().and_then(|e| e.code()), Some("FailedOperation.AIConcurrentNoPackage"));
    assert_eq!(emu.hits(), 2, "nothing was sent after the stop");
    let placed: Vec<&_> = report.items.iter().filter(|i| i.status == ItemStatus::Placed).collect();
    assert_eq!(placed.len(), 1, "the call in flight when the stop came was read to its end");
    assert_eq!(emu.calls().len(), 1);
    assert_eq!(report.count(ItemStatus::Failed), 1);
    assert_eq!(report.count(ItemStatus::NotAttempted), 8);
}

#[tokio::test]
async fn a_panicking_progress_callback_loses_no_outcome() {
    let emu = emulator().await;
    let client = client(&emu, 0.0);
    let options = CampaignOptions {
        concurrency: 1,
        on_progress: Some(Arc::new(|_: &ccc_aicall::ItemOutcome, _: &ccc_aicall::Tally| {
            panic!("a bug in the progress display")
        })),
        ..Default::default()
    };
    let report = client.create_ai_calls(campaign(5), options).await.unwrap();
    assert_eq!(report.count(ItemStatus::Placed), 5, "{:?}", report.items);
    assert!(report.items.iter().all(|i| i.result.is_some()));
    assert_eq!(emu.calls().len(), 5);
}

#[tokio::test]
async fn status_polls_do_not_slow_dialling() {
    let emu = emulator().await;
    let client = client(&emu, 20.0);
    let placed = client.create_ai_call(&request(999)).await.unwrap();
    // Eight pollers: each alone would keep a shared budget busy; together they would take most of it.
    let stop = ccc_aicall::CancellationToken::new();
    let mut pollers = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (client, stop, session) = (client.clone(), stop.clone(), placed.session_id.clone());
        pollers.spawn(async move {
            let params = serde_json::json!({"SdkAppId": 1400000000, "SessionId": session});
            while !stop.is_cancelled() {
                let _ = client.request_cancellable("DescribeTelSession", params.clone(), &stop).await;
            }
        });
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let report =
        client.create_ai_calls(campaign(40), CampaignOptions { concurrency: 8, ..Default::default() }).await.unwrap();
    let took = started.elapsed();
    stop.cancel();
    pollers.join_all().await;
    assert_eq!(report.count(ItemStatus::Placed), 40);
    // 40 calls at 20/s take about 2 s; sharing one budget with the polls, about 4 s.
    assert!(took < Duration::from_millis(3000), "40 calls took {took:?}");
    assert!(emu.hits_for("DescribeTelSession") >= 20, "the polls ran meanwhile");
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64
}

#[tokio::test]
async fn an_outcome_unknown_item_reports_when_it_was_sent_and_what_came_back() {
    let emu = emulator().await;
    let client = client(&emu, 0.0);
    let journal = journal_path("sent-at");
    let options = CampaignOptions { journal: Some(journal), concurrency: 1, ..Default::default() };
    // The first call is placed but answered with InternalError: the outcome is unknown.
    emu.inject(Fault::error("InternalError"));
    let before = now_ms();
    let first = client.create_ai_calls(campaign(2), options.clone()).await.unwrap();
    let after = now_ms();
    let unknown = &first.items[0];
    assert_eq!(unknown.status, ItemStatus::OutcomeUnknown);
    let sent_at = unknown.sent_at.expect("the send time of an outcome-unknown item");
    assert!((before..=after).contains(&sent_at), "{before} <= {sent_at} <= {after}");
    let request_id = unknown.error.as_ref().and_then(|e| e.request_id()).expect("the answer's RequestId").to_string();
    assert!(first.items[1].sent_at.is_some());

    let second = client.create_ai_calls(campaign(2), options).await.unwrap();
    let unreconciled = &second.items[0];
    assert_eq!(unreconciled.status, ItemStatus::Unreconciled);
    let journal_sent_at = unreconciled.sent_at.expect("the journal's send time");
    assert!((before..=sent_at).contains(&journal_sent_at), "{before} <= {journal_sent_at} <= {sent_at}");
    let earlier = unreconciled.error.as_ref().expect("the earlier error, from the journal");
    assert_eq!(earlier.code(), Some("InternalError"));
    assert_eq!(earlier.request_id(), Some(request_id.as_str()));
    assert!(earlier.outcome_unknown());
    assert_eq!(second.items[1].status, ItemStatus::AlreadyPlaced);
    assert_eq!(emu.hits(), 2, "nobody called again");
}

#[tokio::test]
async fn a_campaign_uses_the_clients_default_country_code() {
    let emu = emulator().await;
    let national = || Campaign::new(vec![CreateAiCallRequest { callee: "130 1234 5678".into(), ..request(0) }]);
    let err = client(&emu, 0.0).create_ai_calls(national(), CampaignOptions::default()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(err.field_errors()[0].path, "Calls[0].Callee", "{err}");
    let with_code =
        Client::new(ClientConfig { default_country_code: Some("+86".into()), ..client_config(&emu) }).unwrap();
    let report = with_code.create_ai_calls(national(), CampaignOptions::default()).await.unwrap();
    assert_eq!(report.items[0].status, ItemStatus::Placed, "{:?}", report.items[0]);
    assert_eq!(report.items[0].callee, "008613012345678");
    assert_eq!(emu.calls()[0].body["Callee"], "008613012345678");
}

#[tokio::test]
async fn a_campaign_default_country_code_applies_to_its_items_callee_and_callers() {
    let emu = emulator().await;
    let national = CreateAiCallRequest {
        callee: "130 1234 5678".into(),
        callers: Some(vec!["010 8888 9999".into()]),
        ..request(0)
    };
    let code = Some(ccc_aicall::CountryCode::parse("86", "default_country_code").unwrap());
    // The client has none: the campaign's own applies, to the callee and to the caller numbers alike.
    let options = CampaignOptions { default_country_code: code, ..CampaignOptions::default() };
    let report = client(&emu, 0.0).create_ai_calls(Campaign::new(vec![national]), options).await.unwrap();
    assert_eq!(report.items[0].status, ItemStatus::Placed, "{:?}", report.items[0]);
    assert_eq!(report.items[0].callee, "008613012345678");
    let body = &emu.calls()[0].body;
    assert_eq!(body["Callee"], "008613012345678");
    assert_eq!(body["Callers"][0], "00861088889999");
}
