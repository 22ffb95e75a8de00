//! Requests spent learning how 1,000 campaign calls of varied lengths ended: the campaign's batched collection
//! (`wait`: DescribeTelCdr over up to 100 sessions a request) against polling each call (`wait_for_call`:
//! DescribeTelSession until finished, then one DescribeTelCdr), with the same backoff, in one run against the
//! emulator. Prints a Markdown table (bench/OUTCOMES.md).
//!
//! Time is scaled down a hundredfold so that the run takes seconds: calls ring 100-300 ms and talk 0.3-3 s (real
//! life: 10-30 s and 30 s to 5 min), records lag 0-200 ms and transcripts 0-500 ms, and both strategies poll from
//! 10 ms, growing 1.5 times a round, up to 150 ms (the SDK's defaults are 1 s and 15 s). Rate limits are off on
//! both sides (the emulator's and the client's), so the 1,000 calls leave within about a second, as 20/s does in
//! 50 s of real time.
//!
//! `cargo run --release -p ccc-aicall-emulator --example outcomes_requests [-- CALLS]`

use ccc_aicall::campaign::{Campaign, CampaignOptions, ItemOutcome, ItemStatus, ProgressFn, Tally};
use ccc_aicall::{CallRef, Client, ClientConfig, CreateAiCallRequest, WaitOptions};
use ccc_aicall_emulator::{CallScript, Emulator, EmulatorConfig, TEST_SECRET_ID, TEST_SECRET_KEY};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SDK_APP_ID: u64 = 1400000000;
const FIRST_POLL: Duration = Duration::from_millis(10);
const MAX_POLL: Duration = Duration::from_millis(150);

/// How each call ends: half answered (of which a few end on the AI side's codes), the rest unanswered in the
/// usual ways.
const CODES: [i64; 20] = [1, 1, 1, 1, 1, 1, 1, 229, 230, 231, 202, 202, 202, 203, 206, 206, 204, 205, 222, 210];

fn callee(run: usize, i: usize) -> String {
    format!("00861{run}{i:08}")
}

/// A deterministic spread of lengths and delays.
fn script(i: usize) -> CallScript {
    let spread = |salt: u64, range: u64| (i as u64).wrapping_mul(2_654_435_761).wrapping_add(salt) % range;
    CallScript {
        end_status: Some(CODES[i % CODES.len()]),
        ring_ms: Some(100 + spread(1, 200)),
        talk_ms: Some(300 + spread(2, 2700)),
        cdr_delay_ms: Some(spread(3, 200)),
        asr_delay_ms: Some(spread(4, 500)),
        ..CallScript::default()
    }
}

fn request(callee: String) -> CreateAiCallRequest {
    CreateAiCallRequest {
        sdk_app_id: SDK_APP_ID,
        callee,
        llm_type: "openai".into(),
        api_key: "sk-test".into(),
        api_url: "https://api.openai.com/v1/".into(),
        system_prompt: Some("Remind the patient of the appointment.".into()),
        model: Some("gpt-4o-mini".into()),
        ..Default::default()
    }
}

fn campaign(run: usize, n: usize, emu: &Emulator) -> Campaign {
    for i in 0..n {
        emu.script(&callee(run, i), script(i));
    }
    Campaign::new((0..n).map(|i| request(callee(run, i))).collect())
}

/// Requests since `before`, per action, CreateAICall left out.
fn spent(emu: &Emulator, before: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    emu.hits_by_action()
        .into_iter()
        .filter(|(action, _)| action != "CreateAICall")
        .map(|(action, n)| {
            let n = n - before.get(&action).copied().unwrap_or(0);
            (action, n)
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

struct Figures {
    outcomes: usize,
    answered: usize,
    transcripts: usize,
    requests: BTreeMap<String, u64>,
    seconds: f64,
}

impl Figures {
    fn of(&self, actions: &[&str]) -> u64 {
        actions.iter().map(|a| self.requests.get(*a).copied().unwrap_or(0)).sum()
    }
}

const OUTCOME_ACTIONS: [&str; 2] = ["DescribeTelSession", "DescribeTelCdr"];

async fn batched(client: &Client, emu: &Emulator, n: usize) -> Figures {
    let before = emu.hits_by_action();
    let started = Instant::now();
    let options = CampaignOptions {
        wait: true,
        wait_timeout: Duration::from_secs(60),
        extraction: false,
        poll_interval: FIRST_POLL,
        max_poll_interval: MAX_POLL,
        concurrency: 16,
        ..CampaignOptions::default()
    };
    let report = client.create_ai_calls(campaign(1, n, emu), options).await.expect("the campaign runs");
    assert_eq!(report.count(ItemStatus::Placed), n);
    assert!(report.wait_error.is_none(), "{:?}", report.wait_error);
    let requests = spent(emu, &before);
    let mut from_report = report.requests.clone();
    from_report.remove("CreateAICall");
    assert_eq!(requests, from_report, "the report counts what reached the emulator");
    let outcomes: Vec<_> = report.items.iter().filter_map(|i| i.outcome.as_ref()).collect();
    Figures {
        outcomes: outcomes.len(),
        answered: outcomes.iter().filter(|o| o.answered).count(),
        transcripts: outcomes.iter().filter(|o| o.transcript.is_some()).count(),
        requests,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// The same campaign without `wait`; each call is followed by `wait_for_call` from the moment it is placed.
async fn polling(client: &Client, emu: &Emulator, n: usize) -> Figures {
    let before = emu.hits_by_action();
    let started = Instant::now();
    type Wait = tokio::task::JoinHandle<ccc_aicall::Result<ccc_aicall::CallOutcome>>;
    let waits: Arc<Mutex<Vec<Wait>>> = Arc::default();
    let on_progress: ProgressFn = {
        let (waits, client) = (waits.clone(), client.clone());
        Arc::new(move |item: &ItemOutcome, _: &Tally| {
            let Some(result) = &item.result else { return };
            let (client, call) = (client.clone(), CallRef::from(result));
            let options = WaitOptions {
                timeout: Duration::from_secs(60),
                extraction: false,
                poll_interval: FIRST_POLL,
                max_poll_interval: MAX_POLL,
                ..WaitOptions::default()
            };
            let wait = tokio::spawn(async move { client.wait_for_call(&call, &options).await });
            waits.lock().unwrap().push(wait);
        })
    };
    let options = CampaignOptions { on_progress: Some(on_progress), concurrency: 16, ..CampaignOptions::default() };
    let report = client.create_ai_calls(campaign(2, n, emu), options).await.expect("the campaign runs");
    assert_eq!(report.count(ItemStatus::Placed), n);
    let waits = std::mem::take(&mut *waits.lock().unwrap());
    let mut outcomes = Vec::new();
    for wait in waits {
        if let Ok(Ok(outcome)) = wait.await {
            outcomes.push(outcome);
        }
    }
    Figures {
        outcomes: outcomes.len(),
        answered: outcomes.iter().filter(|o| o.answered).count(),
        transcripts: outcomes.iter().filter(|o| o.transcript.is_some()).count(),
        requests: spent(emu, &before),
        seconds: started.elapsed().as_secs_f64(),
    }
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let emu = Emulator::start(EmulatorConfig { rate_limit: 0.0, ..EmulatorConfig::default() }).await.unwrap();
    let client = Client::new(ClientConfig {
        secret_id: Some(TEST_SECRET_ID.into()),
        secret_key: Some(TEST_SECRET_KEY.into()),
        endpoint: Some(emu.endpoint()),
        rate_limit: Some(0.0),
        ..Default::default()
    })
    .unwrap();
    let b = batched(&client, &emu, n).await;
    let p = polling(&client, &emu, n).await;
    let row = |name: &str, f: &Figures| {
        let outcome = f.of(&OUTCOME_ACTIONS);
        let transcript = f.of(&["DescribeTelRecordAsr"]);
        println!(
            "| {name} | {} | {} | {} | {} | {outcome} | {:.3} | {:.1} | {transcript} | {:.2} | {:.1} |",
            f.outcomes,
            f.requests.get("DescribeTelSession").copied().unwrap_or(0),
            f.requests.get("DescribeTelCdr").copied().unwrap_or(0),
            f.answered,
            outcome as f64 / f.outcomes.max(1) as f64,
            f.outcomes as f64 / outcome.max(1) as f64,
            transcript as f64 / f.transcripts.max(1) as f64,
            f.seconds,
        );
    };
    println!("{n} calls; polls from {FIRST_POLL:?}, x1.5 a round, up to {MAX_POLL:?}\n");
    println!(
        "| strategy | outcomes | DescribeTelSession | DescribeTelCdr | answered | outcome requests | requests per \
         outcome | outcomes per request | DescribeTelRecordAsr | per transcript | seconds |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    row("batched (`wait=true`)", &b);
    row("polling each call (`wait_for_call`)", &p);
    let ratio = (p.of(&OUTCOME_ACTIONS) as f64 / p.outcomes.max(1) as f64)
        / (b.of(&OUTCOME_ACTIONS) as f64 / b.outcomes.max(1) as f64);
    println!("\npolling spends {ratio:.1} times the requests per outcome of batched collection");
}
