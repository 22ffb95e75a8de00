//! Campaigns through the core against the emulator: early stops and per-action budgets. The invariant throughout:
//! nobody is dialled twice, and every placed call is in the report.

use ccc_aicall::campaign::{Campaign, CampaignOptions, ItemStatus};
use ccc_aicall::{Client, ClientConfig, CreateAiCallRequest};
use ccc_aicall_emulator::{Emulator, EmulatorConfig, Fault, TEST_SECRET_ID, TEST_SECRET_KEY};
use std::time::{Duration, Instant};

fn request(i: usize) -> CreateAiCallRequest {
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
