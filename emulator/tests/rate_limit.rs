//! The server-side token buckets: CreateAICall's, and one for each other action.

mod common;

use std::sync::Arc;
use std::time::Duration;

use ccc_aicall_emulator::{Emulator, EmulatorConfig};
use common::*;
use serde_json::json;

async fn burst(emu: &Arc<Emulator>, n: usize) -> (usize, usize) {
    let client = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(10)).build().unwrap();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (client, emu) = (client.clone(), emu.clone());
        set.spawn(async move { Call::create(&valid_call()).send_with(&client, &emu).await.unwrap() });
    }
    let answers = set.join_all().await;
    let ok = answers.iter().filter(|a| a.session_id().is_some()).count();
    let limited = answers.iter().filter(|a| a.code() == Some("RequestLimitExceeded")).count();
    for a in answers.iter().filter(|a| a.code().is_some()) {
        a.assert_error("RequestLimitExceeded");
    }
    (ok, limited)
}

async fn started(config: EmulatorConfig) -> Arc<Emulator> {
    Arc::new(start_with(config).await)
}

#[tokio::test]
async fn a_burst_over_twenty_is_limited_and_not_placed() {
    let emu = started(EmulatorConfig::default()).await;
    let (ok, limited) = burst(&emu, 30).await;
    assert_eq!(ok + limited, 30);
    assert!((20..=22).contains(&ok), "about 20 pass at 20/s: {ok}");
    assert!(limited >= 8, "{limited}");
    assert_eq!(emu.calls().len(), ok, "the placed count is exact");
    assert_eq!(emu.hits_for("CreateAICall"), 30);
}

#[tokio::test]
async fn the_bucket_refills_and_the_rate_is_settable() {
    let emu = started(EmulatorConfig { rate_limit: 5.0, ..EmulatorConfig::default() }).await;
    let (ok, _) = burst(&emu, 8).await;
    assert!((5..=6).contains(&ok), "{ok}");
    tokio::time::sleep(Duration::from_millis(450)).await;
    let (ok, _) = burst(&emu, 1).await;
    assert_eq!(ok, 1, "refilled at 5/s");

    emu.set_rate_limit(0.0);
    assert_eq!(emu.rate_limit(), 0.0);
    let (ok, limited) = burst(&emu, 40).await;
    assert_eq!((ok, limited), (40, 0), "0 disables the limit");

    emu.set_rate_limit(2.0);
    let (ok, _) = burst(&emu, 4).await;
    assert_eq!(ok, 2);
}

#[tokio::test]
async fn each_action_has_a_bucket_of_its_own() {
    let emu = start_with(EmulatorConfig { rate_limit: 1.0, ..EmulatorConfig::default() }).await;
    let placed = Call::create(&valid_call()).send(&emu).await;
    placed.assert_ok();
    Call::create(&valid_call()).send(&emu).await.assert_error("RequestLimitExceeded");
    let describe = json!({"SdkAppId": SDK_APP_ID, "SessionId": placed.session_id().unwrap()});
    Call::new("DescribeTelSession", &describe).send(&emu).await.assert_ok();
    let limited = Call::new("DescribeTelSession", &describe).send(&emu).await;
    limited.assert_error("RequestLimitExceeded");
    assert!(limited.message().contains("DescribeTelSession"), "{}", limited.message());
    assert_eq!(emu.calls().len(), 1);
}
