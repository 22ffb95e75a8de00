//! Named campaigns: workers running the same list under one name share its journal (in this process's memory, or in
//! a real redis-server the test starts), so every item is dialled at most once, whoever runs it, however often, and
//! whichever worker is killed when.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use ccc_aicall::campaign::{Campaign, CampaignOptions, ItemStatus};
use ccc_aicall::{ClientConfig, CreateAiCallRequest};
use ccc_aicall_emulator::{Emulator, Fault, TEST_SECRET_ID, TEST_SECRET_KEY};
use common::redis::RedisServer;
use std::process::{Command, Stdio};

fn request(i: usize) -> CreateAiCallRequest {
    CreateAiCallRequest { max_call_duration_ms: Some(1000), ..common::call_to(format!("0086135{i:08}")) }
}

fn list(n: usize) -> Vec<CreateAiCallRequest> {
    (0..n).map(request).collect()
}

fn client(emu: &Emulator, timeout: Option<Duration>) -> ccc_aicall::Client {
    client_at(&emu.endpoint(), timeout, None)
}

fn client_at(endpoint: &str, timeout: Option<Duration>, redis_url: Option<&str>) -> ccc_aicall::Client {
    ccc_aicall::Client::new(ClientConfig {
        secret_id: Some(TEST_SECRET_ID.into()),
        secret_key: Some(TEST_SECRET_KEY.into()),
        endpoint: Some(endpoint.into()),
        rate_limit: Some(0.0),
        timeout,
        redis_url: redis_url.map(str::to_string),
        ..Default::default()
    })
    .unwrap()
}

fn named(name: &str) -> CampaignOptions {
    CampaignOptions { campaign: Some(format!("{name}-{}", std::process::id())), concurrency: 4, ..Default::default() }
}

fn dialled(emu: &Emulator) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for call in emu.calls() {
        *seen.entry(call.body["Callee"].as_str().unwrap_or_default().to_string()).or_default() += 1;
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn workers_on_one_list_dial_each_item_once() {
    workers_on_one_list(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn workers_on_one_list_dial_each_item_once_through_redis() {
    let redis = RedisServer::start();
    workers_on_one_list(Some(&redis.url())).await;
}

async fn workers_on_one_list(redis_url: Option<&str>) {
    let emu = common::start_unlimited().await;
    let client = |emu: &Emulator, timeout| client_at(&emu.endpoint(), timeout, redis_url);
    let n = 40;
    // Three workers with clients of their own, started together on the same list under the same name.
    let runs = (0..3).map(|_| {
        let client = client(&emu, None);
        tokio::spawn(async move { client.create_ai_calls(Campaign::new(list(n)), named("together")).await })
    });
    let reports: Vec<_> = futures_join(runs).await;
    let calls = dialled(&emu);
    assert_eq!(calls.len(), n, "every item dialled");
    assert!(calls.values().all(|c| *c == 1), "nobody dialled twice: {calls:?}");
    let placed: usize = reports.iter().map(|r| r.count(ItemStatus::Placed)).sum();
    assert_eq!(placed, n, "each item placed by exactly one worker");
    for report in &reports {
        for item in &report.items {
            assert!(
                matches!(item.status, ItemStatus::Placed | ItemStatus::AlreadyPlaced | ItemStatus::ClaimedElsewhere),
                "{item:?}"
            );
        }
    }

    // A fourth worker later: everything is already placed, nothing is sent.
    let again = client(&emu, None).create_ai_calls(Campaign::new(list(n)), named("together")).await.unwrap();
    assert_eq!(again.count(ItemStatus::AlreadyPlaced), n);
    assert!(again.items.iter().all(|i| i.result.as_ref().is_some_and(|r| !r.session_id.is_empty())));
    assert_eq!(emu.calls().len(), n);

    // Any process can read the campaign's state.
    let status = client(&emu, None).campaign_status(&format!("together-{}", std::process::id())).await.unwrap();
    assert_eq!(status.counts["placed"], n);
    assert_eq!(status.items.len(), n);
    assert!(status.items.windows(2).all(|w| w[0].index < w[1].index));
    assert_eq!(client(&emu, None).campaign_status("never-run").await.unwrap().items.len(), 0);
}

async fn futures_join<T: Send + 'static>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<ccc_aicall::Result<T>>>,
) -> Vec<T> {
    let mut out = Vec::new();
    for handle in handles.collect::<Vec<_>>() {
        out.push(handle.await.unwrap().unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_that_proves_nothing_happened_is_sent_again_by_the_next_worker_and_others_are_not() {
    let emu = common::start_unlimited().await;
    emu.inject(Fault::error("FailedOperation.CalleeIsBlackUser")); // item 0: a refusal that proves nothing
    emu.inject(Fault::error("FailedOperation.AIConcurrentOverFrequency")); // item 1: refused without acting
    let options = CampaignOptions { refused_retries: 0, concurrency: 1, ..named("refusals") };
    let first = client(&emu, None).create_ai_calls(Campaign::new(list(3)), options.clone()).await.unwrap();
    let statuses: Vec<_> = first.items.iter().map(|i| i.status).collect();
    assert_eq!(statuses, [ItemStatus::Failed, ItemStatus::Failed, ItemStatus::Placed]);
    let second = client(&emu, None).create_ai_calls(Campaign::new(list(3)), options).await.unwrap();
    let statuses: Vec<_> = second.items.iter().map(|i| (i.status, i.attempts)).collect();
    assert_eq!(
        statuses,
        [(ItemStatus::Failed, 0), (ItemStatus::Placed, 1), (ItemStatus::AlreadyPlaced, 0)],
        "the refusal that proves nothing is not sent again; the one that proves nothing happened is"
    );
    let calls = dialled(&emu);
    assert_eq!(calls.len(), 2);
    assert!(calls.values().all(|c| *c == 1), "{calls:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_outcome_is_never_redialled_and_a_reconcile_by_another_worker_finds_the_call() {
    let emu = common::start_unlimited().await;
    // The first worker's request is placed, but its answer never comes in time: outcome unknown.
    emu.inject(Fault::delay_after_read(Duration::from_millis(3000)));
    let options = CampaignOptions { concurrency: 1, ..named("unknown") };
    let first = client(&emu, Some(Duration::from_millis(500)))
        .create_ai_calls(Campaign::new(list(2)), options.clone())
        .await
        .unwrap();
    assert_eq!(first.items[0].status, ItemStatus::OutcomeUnknown);
    assert_eq!(emu.calls().len(), 2);

    let second = client(&emu, None).create_ai_calls(Campaign::new(list(2)), options.clone()).await.unwrap();
    assert_eq!(second.items[0].status, ItemStatus::Unreconciled, "not dialled again without proof");
    assert_eq!(second.items[1].status, ItemStatus::AlreadyPlaced);
    assert_eq!(emu.calls().len(), 2);

    // A worker that reconciles looks the call up, finds it, and records it placed for everyone.
    let reconciling = CampaignOptions { reconcile: true, ..options.clone() };
    tokio::time::sleep(Duration::from_millis(3200)).await; // the emulator's record of the call is out by now
    let third = client(&emu, None).create_ai_calls(Campaign::new(list(2)), reconciling).await.unwrap();
    assert_eq!(third.items[0].status, ItemStatus::AlreadyPlaced, "{:?}", third.items[0]);
    assert_eq!(emu.calls().len(), 2, "found, not redialled");
    let fourth = client(&emu, None).create_ai_calls(Campaign::new(list(2)), options).await.unwrap();
    assert_eq!(fourth.count(ItemStatus::AlreadyPlaced), 2);
}

#[tokio::test]
async fn a_journal_and_a_name_together_are_refused_and_names_are_checked() {
    let emu = common::start_unlimited().await;
    let both = CampaignOptions { journal: Some(std::env::temp_dir().join("x.jsonl")), ..named("both") };
    let e = client(&emu, None).create_ai_calls(Campaign::new(list(1)), both).await.unwrap_err();
    assert_eq!(e.kind(), ccc_aicall::ErrorKind::Config);
    assert!(e.to_string().contains("`campaign`"), "{e}");
    let bad = CampaignOptions { campaign: Some(" ".into()), ..Default::default() };
    let e = client(&emu, None).create_ai_calls(Campaign::new(list(1)), bad).await.unwrap_err();
    assert_eq!(e.kind(), ccc_aicall::ErrorKind::Config);
    assert!(emu.calls().is_empty());
}

const CHILD_ROLE: &str = "CCC_TEST_SHARED_CAMPAIGN_CHILD";

/// Not a test of its own: the worker that `a_worker_killed_mid_campaign_leaves_nobody_dialled_twice` starts as a
/// separate process and kills with SIGKILL.
#[test]
fn child_worker_runs_the_campaign() {
    let Ok(params) = std::env::var(CHILD_ROLE) else { return };
    let [endpoint, redis_url, name, n] = params.split(' ').collect::<Vec<_>>()[..] else { panic!("{params:?}") };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let client = client_at(endpoint, None, Some(redis_url));
        let options = CampaignOptions { campaign: Some(name.into()), concurrency: 1, ..Default::default() };
        client.create_ai_calls(Campaign::new(list(n.parse().unwrap())), options).await.unwrap();
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_worker_killed_mid_campaign_leaves_nobody_dialled_twice() {
    let redis = RedisServer::start();
    let emu = common::start_unlimited().await;
    let n = 8;
    // Every answer comes 400 ms after the call was placed: the worker is always mid-call when it is killed.
    emu.inject(Fault { times: n as u32, ..Fault::delay_after_read(Duration::from_millis(400)) });
    let name = format!("killed-{}", std::process::id());
    let mut worker = Command::new(std::env::current_exe().unwrap())
        .args(["child_worker_runs_the_campaign", "--exact", "--nocapture", "--test-threads", "1"])
        .env(CHILD_ROLE, format!("{} {} {name} {n}", emu.endpoint(), redis.url()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while emu.calls().len() < 3 {
        assert!(std::time::Instant::now() < deadline, "the worker placed no calls");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    worker.kill().unwrap(); // SIGKILL: no cleanup, no last journal write
    worker.wait().unwrap();
    let placed_by_killed = emu.calls().len();

    let status = client_at(&emu.endpoint(), None, Some(&redis.url())).campaign_status(&name).await.unwrap();
    assert_eq!(status.counts["sending"], 1, "the call in flight when it was killed: {status:?}");
    let in_flight = status.items.iter().find(|i| i.state == "sending").unwrap().index;

    // Another worker finishes the list: it dials the rest, and not the item the killed one may have placed.
    let finisher = client_at(&emu.endpoint(), None, Some(&redis.url()));
    let options = CampaignOptions { campaign: Some(name.clone()), concurrency: 2, ..Default::default() };
    let report = finisher.create_ai_calls(Campaign::new(list(n)), options.clone()).await.unwrap();
    assert_eq!(report.items[in_flight].status, ItemStatus::ClaimedElsewhere);
    assert_eq!(report.count(ItemStatus::AlreadyPlaced), placed_by_killed - 1);
    assert_eq!(report.count(ItemStatus::Placed), n - placed_by_killed);
    let calls = dialled(&emu);
    assert_eq!(calls.len(), n);
    assert!(calls.values().all(|c| *c == 1), "nobody dialled twice: {calls:?}");

    // A reconcile, once the call's record is out, finds the killed worker's last call: every item placed, once.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let reconciling = CampaignOptions { reconcile: true, ..options };
    let report = finisher.create_ai_calls(Campaign::new(list(n)), reconciling).await.unwrap();
    assert_eq!(report.items[in_flight].status, ItemStatus::AlreadyPlaced, "{:?}", report.items[in_flight]);
    assert_eq!(report.count(ItemStatus::AlreadyPlaced), n);
    assert_eq!(emu.calls().len(), n);
    let status = finisher.campaign_status(&name).await.unwrap();
    assert_eq!(status.counts["placed"], n);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_down_a_named_campaign_sends_nothing() {
    let mut redis = RedisServer::start();
    let emu = common::start_unlimited().await;
    let url = redis.url();
    redis.stop();
    let options = CampaignOptions { campaign: Some(format!("down-{}", std::process::id())), ..Default::default() };
    let e = client_at(&emu.endpoint(), None, Some(&url))
        .create_ai_calls(Campaign::new(list(3)), options.clone())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ccc_aicall::ErrorKind::StoreUnavailable, "{e}");
    assert!(emu.calls().is_empty());
    redis.restart();
    let report = client_at(&emu.endpoint(), None, Some(&url)).create_ai_calls(Campaign::new(list(3)), options).await;
    assert_eq!(report.unwrap().count(ItemStatus::Placed), 3);
}
