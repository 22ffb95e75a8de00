//! Campaigns that follow their calls to the end (`wait`) and resume by reconciling what an earlier run left
//! unknown (`reconcile`), against the emulator playing every call by its script. The invariants: every placed
//! item gets its outcome, outcomes cost batched record queries (far fewer than items), and nobody is dialled
//! twice or dialled without proof that the earlier send placed nothing.

mod common;

use ccc_aicall::campaign::{Campaign, CampaignOptions, ItemOutcome, ItemStatus, ProgressFn, Tally};
use ccc_aicall::{CallStatus, CreateAiCallRequest, ErrorKind, ExtractConfigElement, Extracted, ReconcileOptions};
use ccc_aicall_emulator::{CallScript, Emulator, Extracted as Scripted, ExtractedValue, Fault};
use common::SDK_APP_ID;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn callee(i: usize) -> String {
    format!("0086132{i:08}")
}

fn request(i: usize) -> CreateAiCallRequest {
    CreateAiCallRequest {
        sdk_app_id: SDK_APP_ID,
        callee: callee(i),
        llm_type: "openai".into(),
        api_key: "sk-test".into(),
        api_url: "https://api.openai.com/v1/".into(),
        system_prompt: Some("Remind the patient of the appointment.".into()),
        model: Some("gpt-4o-mini".into()),
        max_call_duration_ms: Some(1000),
        ..Default::default()
    }
}

fn extract_config() -> Option<Vec<ExtractConfigElement>> {
    Some(vec![ExtractConfigElement {
        info_type: "Boolean".into(),
        info_name: "interested".into(),
        info_content: Some("Is the patient interested?".into()),
        ..Default::default()
    }])
}

/// Collection rounds a test can afford: the first after 100 ms, none more than 400 ms apart.
fn waiting(timeout: Duration) -> CampaignOptions {
    CampaignOptions {
        wait: true,
        wait_timeout: timeout,
        poll_interval: Duration::from_millis(100),
        max_poll_interval: Duration::from_millis(400),
        concurrency: 8,
        ..CampaignOptions::default()
    }
}

fn journal_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ccc-campaign-wait-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("journal.jsonl");
    std::fs::remove_file(&path).ok();
    path
}

fn placed_per_callee(emu: &Emulator) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for call in emu.calls() {
        *seen.entry(call.body["Callee"].as_str().unwrap_or_default().to_string()).or_default() += 1;
    }
    seen
}

const CODES: [i64; 10] = [1, 202, 206, 1, 203, 229, 1, 205, 222, 231];

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_calls_of_varied_scripts_each_get_their_outcome() {
    let emu = common::start_unlimited().await;
    let client = common::unlimited_client(&emu, None);
    let n = 50;
    let mut requests = Vec::new();
    for i in 0..n {
        let code = CODES[i % CODES.len()];
        let configured = i % 3 == 0;
        emu.script(
            &callee(i),
            CallScript {
                end_status: Some(code),
                ring_ms: Some(20 + (i as u64 * 37) % 200),
                talk_ms: Some(50 + (i as u64 * 53) % 300),
                extracted: configured.then(|| vec![Scripted::new("interested", ExtractedValue::Boolean(i % 2 == 0))]),
                extract_delay_ms: Some(if i % 4 == 0 { 300 } else { 0 }),
                // Half the transcripts lag the record: their `AsrStatus` says `Processing` until they are ready.
                asr_delay_ms: Some(if i % 2 == 0 { 400 } else { 0 }),
                ..CallScript::default()
            },
        );
        let extract_config = if configured { extract_config() } else { None };
        requests.push(CreateAiCallRequest { extract_config, ..request(i) });
    }
    let told: Arc<Mutex<Vec<(ItemOutcome, Tally)>>> = Arc::default();
    let on_progress: ProgressFn = {
        let told = told.clone();
        Arc::new(move |item: &ItemOutcome, tally: &Tally| told.lock().unwrap().push((item.clone(), tally.clone())))
    };
    let options = CampaignOptions { on_progress: Some(on_progress), ..waiting(Duration::from_secs(20)) };
    let report = client.create_ai_calls(Campaign::new(requests), options).await.unwrap();

    assert_eq!(report.count(ItemStatus::Placed), n);
    assert_eq!(report.outcomes_missing(), 0);
    assert!(report.wait_error.is_none());
    let mut answered = 0;
    for (i, item) in report.items.iter().enumerate() {
        let code = CODES[i % CODES.len()];
        let o = item.outcome.as_ref().unwrap_or_else(|| panic!("item {i} has no outcome"));
        assert_eq!(o.session_id, item.result.as_ref().unwrap().session_id);
        assert_eq!(o.end_status, Some(code), "item {i}");
        assert!(o.missing.is_empty(), "item {i}: {:?}", o.missing);
        if o.answered {
            answered += 1;
            assert!(o.transcript.as_ref().is_some_and(|t| !t.is_empty()), "item {i}");
            let extracted = o.extracted.as_ref().expect("asked for");
            if i % 3 == 0 {
                assert_eq!(extracted["interested"], Extracted::Boolean(i % 2 == 0), "item {i}");
            } else {
                assert!(extracted.is_empty(), "no ExtractConfig: asked once, nothing extracted");
            }
        } else {
            assert!(o.transcript.is_none() && o.extracted.is_none(), "item {i}: nothing asked for an unanswered call");
        }
    }
    assert_eq!(answered, 25);
    let statuses = report.call_statuses();
    assert_eq!(statuses[&CallStatus::Answered], 25);
    assert_eq!(statuses[&CallStatus::Busy], 5);
    assert_eq!(statuses.values().sum::<usize>(), n);

    // What the report says it spent is what reached the emulator, action by action.
    assert_eq!(report.requests, emu.hits_by_action());
    let spent = |action: &str| report.requests.get(action).copied().unwrap_or(0);
    assert_eq!(spent("CreateAICall"), n as u64);
    assert_eq!(spent("DescribeTelSession"), 0, "no per-call polling");
    assert!(spent("DescribeTelCdr") * 4 <= n as u64, "{:?}", report.requests);
    assert_eq!(spent("DescribeTelRecordAsr"), answered, "one transcript request per answered call, when ready");
    assert!(spent("DescribeAICallExtractResult") >= answered, "{:?}", report.requests);

    // Each item is told twice: placed, then with its outcome; the counts never go back.
    let told = told.lock().unwrap();
    assert_eq!(told.len(), 2 * n);
    assert_eq!(told.iter().filter(|(item, _)| item.outcome.is_some()).count(), n);
    assert!(told.windows(2).all(|w| w[0].1.done <= w[1].1.done && w[0].1.outcomes <= w[1].1.outcomes));
    let last = &told.last().unwrap().1;
    assert_eq!((last.done, last.outcomes), (n, n));
    assert_eq!(*last, report.tally());
    assert_eq!(last.call_status(CallStatus::Answered), 25);
}

/// A record that does not appear within the wait leaves its item without an outcome; a transcript that does not
/// is listed as missing on an outcome that is otherwise complete.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn what_is_not_ready_in_time_is_reported_missing() {
    let emu = common::start_unlimited().await;
    let client = common::unlimited_client(&emu, None);
    let quick = |extra: CallScript| CallScript { ring_ms: Some(30), talk_ms: Some(60), ..extra };
    emu.script(&callee(0), quick(CallScript::default()));
    emu.script(&callee(1), quick(CallScript { cdr_delay_ms: Some(60_000), ..CallScript::default() }));
    emu.script(&callee(2), quick(CallScript { asr_delay_ms: Some(60_000), ..CallScript::default() }));
    let options = CampaignOptions { extraction: false, ..waiting(Duration::from_millis(1500)) };
    let started = Instant::now();
    let report = client.create_ai_calls(Campaign::new((0..3).map(request).collect()), options).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    let complete = report.items[0].outcome.as_ref().unwrap();
    assert!(complete.transcript.is_some() && complete.missing.is_empty() && complete.extracted.is_none());
    assert!(report.items[1].outcome.is_none());
    let no_transcript = report.items[2].outcome.as_ref().unwrap();
    assert_eq!(
        (no_transcript.status, no_transcript.missing.as_slice()),
        (CallStatus::Answered, &["transcript".to_string()][..])
    );
    assert_eq!((report.outcomes_missing(), report.missing("transcript"), report.missing("extraction")), (1, 1, 0));
    assert_eq!(report.requests, emu.hits_by_action());
}

/// Without `wait` nothing but CreateAICall is spent, and no outcome is reported missing.
#[tokio::test]
async fn without_wait_only_the_calls_are_spent() {
    let emu = common::start_unlimited().await;
    let client = common::unlimited_client(&emu, None);
    let report =
        client.create_ai_calls(Campaign::new((0..3).map(request).collect()), CampaignOptions::default()).await.unwrap();
    assert_eq!(report.requests, [("CreateAICall".to_string(), 3)].into_iter().collect());
    assert!(!report.waited && report.outcomes_missing() == 0);
    assert!(report.items.iter().all(|i| i.outcome.is_none()));
}

/// Run 1 leaves two items unknown: one the emulator placed (its answer came too late), one it never processed (the
/// client gave up while it stalled). A resume with `reconcile` reports the first as already placed with its session
/// and its outcome, keeps the second unreconciled while a record could still appear, and dials it once that is no
/// longer possible. Nobody is dialled twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_resumed_campaign_reconciles_its_unknown_items() {
    let emu = common::start_unlimited().await;
    let client = common::unlimited_client(&emu, Some(Duration::from_millis(300)));
    for i in 0..3 {
        emu.script(&callee(i), CallScript { end_status: Some(202), ring_ms: Some(50), ..CallScript::default() });
    }
    let journal = journal_path("reconcile");
    let campaign = || Campaign::new((0..3).map(request).collect());
    let base = CampaignOptions { journal: Some(journal.clone()), concurrency: 1, ..CampaignOptions::default() };
    emu.inject(Fault::delay_after_read(Duration::from_millis(1500)).for_action("CreateAICall"));
    emu.inject(Fault::delay_before_read(Duration::from_millis(1500)).for_action("CreateAICall"));
    let first = client.create_ai_calls(campaign(), base.clone()).await.unwrap();
    let statuses: Vec<ItemStatus> = first.items.iter().map(|i| i.status).collect();
    assert_eq!(statuses, [ItemStatus::OutcomeUnknown, ItemStatus::OutcomeUnknown, ItemStatus::Placed]);
    let placed_first = emu.calls().into_iter().find(|c| c.body["Callee"] == callee(0).as_str()).unwrap();

    // Too early for the dropped one: a record of it could still appear.
    let patient = ReconcileOptions {
        max_ring: Duration::ZERO,
        max_call_duration: Duration::from_secs(3600),
        record_delay: Duration::from_secs(30),
        clock_skew: Duration::from_secs(2),
    };
    let options = CampaignOptions {
        reconcile: true,
        reconcile_options: patient.clone(),
        ..CampaignOptions { journal: Some(journal.clone()), concurrency: 1, ..waiting(Duration::from_secs(5)) }
    };
    let second = client.create_ai_calls(campaign(), options).await.unwrap();
    let found = &second.items[0];
    assert_eq!(found.status, ItemStatus::AlreadyPlaced);
    assert_eq!(found.result.as_ref().unwrap().session_id, placed_first.session_id);
    assert_eq!(
        found.outcome.as_ref().map(|o| o.status),
        Some(CallStatus::NotAnswered),
        "the record found is its outcome"
    );
    let waiting_item = &second.items[1];
    assert_eq!(waiting_item.status, ItemStatus::Unreconciled);
    let why = waiting_item.error.as_ref().unwrap();
    assert_eq!(why.kind(), ErrorKind::OutcomeUnknown);
    assert!(why.to_string().contains("resume with reconcile again in"), "{why}");
    assert_eq!(second.items[2].status, ItemStatus::AlreadyPlaced);
    assert!(second.items[2].outcome.is_some(), "the journal's placed call is followed too");
    assert_eq!(second.requests.get("CreateAICall"), None, "nothing dialled");
    assert!(second.requests["DescribeTelCdr"] >= 2);

    // Once no record can appear any more, the dropped one is proven not placed and dialled, once.
    let settled = ReconcileOptions { record_delay: Duration::from_millis(500), ..patient };
    tokio::time::sleep(Duration::from_millis(1800)).await;
    let options = CampaignOptions { reconcile: true, reconcile_options: settled, ..base.clone() };
    let third = client.create_ai_calls(campaign(), options).await.unwrap();
    let statuses: Vec<ItemStatus> = third.items.iter().map(|i| i.status).collect();
    assert_eq!(statuses, [ItemStatus::AlreadyPlaced, ItemStatus::Placed, ItemStatus::AlreadyPlaced]);
    assert_eq!(third.requests.get("CreateAICall"), Some(&1));

    let fourth = client.create_ai_calls(campaign(), base).await.unwrap();
    assert!(fourth.items.iter().all(|i| i.status == ItemStatus::AlreadyPlaced), "{:?}", fourth.items);
    assert_eq!(fourth.items[0].result.as_ref().unwrap().session_id, placed_first.session_id, "the journal kept it");
    let per_callee = placed_per_callee(&emu);
    assert_eq!(per_callee.len(), 3);
    assert!(per_callee.values().all(|n| *n == 1), "{per_callee:?}");
    std::fs::remove_file(journal).ok();
}
