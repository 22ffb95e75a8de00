//! The core's follow-up actions against the emulator playing calls: waiting for every end status of the table,
//! transcripts and extraction present, late and missing, timeouts and cancels, hanging up, `say` and `transfer` on
//! live and finished calls, `find_calls` paging, and reconciling a send whose answer never came, both when the
//! emulator placed the call and when it did not.

mod common;

use ccc_aicall::outcome::status::END_STATUSES;
use ccc_aicall::{
    AiCallResult, CallRef, CallStatus, Client, CreateAiCallRequest, Error, ErrorKind, Extracted, LiveStatus,
    ReconcileOptions, Reconciled, Role, SayOptions, WaitOptions,
};
use ccc_aicall_emulator::{CallScript, Emulator, Extracted as Scripted, ExtractedValue, Fault, Turn};
use common::SDK_APP_ID;
use std::time::{Duration, SystemTime};

fn client(emu: &Emulator) -> Client {
    common::unlimited_client(emu, None)
}

/// The callee of test call `i`.
fn callee(i: usize) -> String {
    format!("0086131{i:08}")
}

fn request(callee: &str) -> CreateAiCallRequest {
    common::call_to(callee)
}

async fn place(client: &Client, callee: &str) -> AiCallResult {
    client.create_ai_call(&request(callee)).await.expect("placed")
}

/// A call whose request asks for one extracted field.
async fn place_extracting(client: &Client, callee: &str) -> AiCallResult {
    let item = ccc_aicall::ExtractConfigElement {
        info_type: "Boolean".into(),
        info_name: "interested".into(),
        info_content: Some("Is the patient interested?".into()),
        ..Default::default()
    };
    let call = CreateAiCallRequest { extract_config: Some(vec![item]), ..request(callee) };
    let placed = client.create_ai_call(&call).await.expect("placed");
    assert!(placed.extraction_configured);
    placed
}

/// Short calls, polled often.
fn quick(timeout: Duration) -> WaitOptions {
    WaitOptions {
        timeout,
        poll_interval: Duration::from_millis(50),
        max_poll_interval: Duration::from_millis(200),
        ..WaitOptions::default()
    }
}

fn script(end_status: i64, ring_ms: u64, talk_ms: u64) -> CallScript {
    CallScript { end_status: Some(end_status), ring_ms: Some(ring_ms), talk_ms: Some(talk_ms), ..Default::default() }
}

/// Poll until the call is in progress.
async fn until_in_progress(client: &Client, call: &CallRef) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while client.get_call(call).await.unwrap().status != LiveStatus::InProgress {
        assert!(std::time::Instant::now() < deadline, "never in progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Every code of the end-status table, each scripted on a callee of its own and followed through a real wait,
/// all at once: the code, its string and its status come back as the table says.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_end_status_is_decoded_through_a_real_wait() {
    let emu = common::start_unlimited().await;
    let client = client(&emu);
    for (i, row) in END_STATUSES.iter().enumerate() {
        emu.script(&callee(i), script(row.code, 30 + (i as u64 % 5) * 20, 60));
    }
    let mut waits = tokio::task::JoinSet::new();
    for (i, row) in END_STATUSES.iter().enumerate() {
        let client = client.clone();
        waits.spawn(async move {
            let call = CallRef::from(&place(&client, &callee(i)).await);
            let options = WaitOptions { transcript: false, extraction: false, ..quick(Duration::from_secs(20)) };
            (row, call.session_id.clone(), client.wait_for_call(&call, &options).await)
        });
    }
    let mut statuses = std::collections::HashSet::new();
    for (row, session_id, outcome) in waits.join_all().await {
        let o = outcome.unwrap_or_else(|e| panic!("{}: {e}", row.code));
        assert_eq!(o.session_id, session_id);
        assert_eq!(o.end_status, Some(row.code));
        assert_eq!(o.end_status_string.as_deref(), Some(row.name), "{}", row.code);
        assert_eq!(o.status, row.status, "{} {}", row.code, row.name);
        let answered = row.code == 1 || (225..=233).contains(&row.code);
        assert_eq!(o.answered, answered, "{}", row.code);
        assert_eq!(o.recording_url.is_some(), answered, "{}", row.code);
        assert!(o.transcript.is_none() && o.extracted.is_none() && o.missing.is_empty());
        statuses.insert(o.status);
    }
    assert_eq!(statuses.len(), CallStatus::ALL.len(), "every status was seen: {statuses:?}");
    assert_eq!(emu.calls().len(), END_STATUSES.len());
}

/// Present at once, late (within the wait) and missing (beyond it): the missing ones are listed, not an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn transcript_and_extraction_present_late_and_missing() {
    let emu = common::start_unlimited().await;
    let client = client(&emu);
    let extracted = vec![
        Scripted::new("interested", ExtractedValue::Boolean(true)),
        Scripted::new("years", ExtractedValue::Number(7.0)),
        Scripted::new("why", ExtractedValue::Selector(vec!["price".into()])),
        Scripted::new("when", ExtractedValue::Text("Tuesday".into())),
    ];
    let said = vec![Turn::ai("Hello, this is the clinic."), Turn::user("Hi."), Turn::ai("Tuesday at ten?")];
    let with = |asr_delay_ms: u64, extract_delay_ms: u64| CallScript {
        transcript: Some(said.clone()),
        extracted: Some(extracted.clone()),
        asr_delay_ms: Some(asr_delay_ms),
        extract_delay_ms: Some(extract_delay_ms),
        ..script(1, 30, 100)
    };
    emu.script(&callee(1), with(0, 0));
    emu.script(&callee(2), with(700, 900));
    emu.script(&callee(3), with(60_000, 60_000));
    let calls = [
        CallRef::from(&place_extracting(&client, &callee(1)).await),
        CallRef::from(&place_extracting(&client, &callee(2)).await),
        CallRef::from(&place_extracting(&client, &callee(3)).await),
    ];
    let options = quick(Duration::from_secs(3));
    let (present, late, missing) = tokio::join!(
        client.wait_for_call(&calls[0], &options),
        client.wait_for_call(&calls[1], &options),
        client.wait_for_call(&calls[2], &options),
    );
    for o in [present.unwrap(), late.unwrap()] {
        assert!(o.missing.is_empty(), "{:?}", o.missing);
        let turns = o.transcript.as_ref().unwrap();
        let roles: Vec<Role> = turns.iter().map(|t| t.role).collect();
        assert_eq!(roles, [Role::Ai, Role::User, Role::Ai]);
        assert_eq!(turns[2].text, "Tuesday at ten?");
        assert!(turns.iter().all(|t| t.start.is_some() && t.end.is_some()));
        let e = o.extracted.as_ref().unwrap();
        assert_eq!(e["interested"], Extracted::Boolean(true));
        assert_eq!(e["years"], Extracted::Number(7.0));
        assert_eq!(e["why"], Extracted::Chosen(vec!["price".into()]));
        assert_eq!(e["when"], Extracted::Text("Tuesday".into()));
        assert!(o.raw.contains_key("transcript") && o.raw.contains_key("extraction"));
    }
    let missing = missing.unwrap();
    assert_eq!(missing.status, CallStatus::Answered);
    assert_eq!(missing.missing, ["transcript", "extraction"]);
    assert!(missing.transcript.is_none() && missing.extracted.is_none());
}

/// A call whose request configured no extraction: one empty answer means nothing was extracted, so the wait does
/// not spend its time asking again (before, it asked until the timeout and reported the extraction missing).
#[tokio::test]
async fn without_extract_config_one_empty_extraction_is_nothing_extracted() {
    let emu = common::start_unlimited().await;
    let client = client(&emu);
    emu.script(&callee(1), script(1, 30, 100));
    let placed = place(&client, &callee(1)).await;
    assert!(!placed.extraction_configured);
    let outcome = client.wait_for_call(&CallRef::from(&placed), &quick(Duration::from_secs(5))).await.unwrap();
    assert!(outcome.missing.is_empty(), "{:?}", outcome.missing);
    assert_eq!(outcome.extracted, Some(Default::default()));
    assert_eq!(emu.hits_for("DescribeAICallExtractResult"), 1);
    // A bare session id does not say: the wait asks until the extraction comes or the time is up.
    let bare = CallRef::new(SDK_APP_ID, placed.session_id.clone());
    let outcome = client.wait_for_call(&bare, &quick(Duration::from_millis(600))).await.unwrap();
    assert_eq!(outcome.missing, ["extraction"]);
}

#[tokio::test]
async fn a_wait_that_runs_out_of_time_is_wait_timed_out() {
    let emu = common::start_unlimited().await;
    let client = client(&emu);
    emu.script(&callee(1), script(1, 60_000, 1000));
    let call = CallRef::from(&place(&client, &callee(1)).await);
    let started = std::time::Instant::now();
    let err = client.wait_for_call(&call, &quick(Duration::from_millis(400))).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WaitTimedOut, "{err}");
    assert!(matches!(&err, Error::WaitTimedOut { session_id, last_status: Some(s) }
        if *session_id == call.session_id && s == "ringing"));
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_wait_can_be_cancelled() {
    let emu = common::start_unlimited().await;
    let client = client(&emu);
    emu.script(&callee(1), script(1, 60_000, 1000));
    let call = CallRef::from(&place(&client, &callee(1)).await);
    let options = quick(Duration::from_secs(60));
    let cancel = options.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        cancel.cancel();
    });
    let started = std::time::Instant::now();
    let err = client.wait_for_call(&call, &options).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{err}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// HangUpCall mid-call ends it with 231 `callTerminatedByAPI` (answered); a second hang-up finds it over.
#[tokio::test]
async fn hang_up_mid_call_ends_it_with_231() {
    let emu = common::start_unlimited().await;
    let client = client(&emu);
    emu.script(&callee(1), script(1, 30, 60_000));
    let call = CallRef::from(&place(&client, &callee(1)).await);
    until_in_progress(&client, &call).await;
    client.hang_up(&call).await.unwrap();
    let o = client.wait_for_call(&call, &quick(Duration::from_secs(5))).await.unwrap();
    assert_eq!((o.end_status, o.status, o.answered), (Some(231), CallStatus::Answered, true));
    assert_eq!(o.end_status_string.as_deref(), Some("callTerminatedByAPI"));
    assert_eq!(client.hang_up(&call).await.unwrap_err().kind(), ErrorKind::CallNotLive);
}

#[tokio::test]
async fn say_and_transfer_on_live_and_finished_calls() {
    let emu = common::start_unlimited().await;
    let client = client(&emu);
    emu.script(&callee(1), script(1, 30, 60_000));
    let call = CallRef::from(&place(&client, &callee(1)).await);
    until_in_progress(&client, &call).await;
    client
        .say(&call, "One moment, please.", &SayOptions { interrupt: Some(true), ..SayOptions::default() })
        .await
        .unwrap();
    client.transfer(&call, 5002).await.unwrap();
    client.hang_up(&call).await.unwrap();
    let o = client.wait_for_call(&call, &quick(Duration::from_secs(5))).await.unwrap();
    assert!(o.answered);
    let said = client.say(&call, "Still there?", &SayOptions::default()).await.unwrap_err();
    assert_eq!(said.kind(), ErrorKind::CallNotLive, "{said}");
    let moved = client.transfer(&call, 5002).await.unwrap_err();
    assert_eq!(moved.kind(), ErrorKind::CallNotLive, "{moved}");
    assert_eq!(emu.hits_for("ControlAIConversation"), 2);
    assert_eq!(emu.hits_for("TransferToManual"), 2);
    let empty = client.say(&call, "", &SayOptions::default()).await.unwrap_err();
    assert_eq!(empty.kind(), ErrorKind::Validation);
}

/// A session id and its app are enough: the record window then reaches as far back as the service allows.
#[tokio::test]
async fn a_bare_session_id_is_followed_too() {
    let emu = common::start_unlimited().await;
    let client = client(&emu);
    emu.script(&callee(1), script(206, 30, 0));
    let placed = place(&client, &callee(1)).await;
    let call = CallRef::new(placed.sdk_app_id, placed.session_id.clone());
    let o = client.wait_for_call(&call, &quick(Duration::from_secs(5))).await.unwrap();
    assert_eq!((o.status, o.sdk_app_id), (CallStatus::Busy, Some(SDK_APP_ID)));
    assert_eq!(o.callee.as_deref(), Some(callee(1).as_str()));
}

/// More records than one page, other numbers and other times left out.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn find_calls_pages_and_filters() {
    let emu = common::start_unlimited().await;
    let client = client(&emu);
    let since = SystemTime::now() - Duration::from_secs(5);
    let (many, other) = (callee(1), callee(2));
    emu.script(&many, script(202, 0, 0));
    emu.script(&other, script(206, 0, 0));
    let mut placing = tokio::task::JoinSet::new();
    for i in 0..123 {
        let (client, to) = (client.clone(), if i % 41 == 0 { other.clone() } else { many.clone() });
        placing.spawn(async move { place(&client, &to).await });
    }
    placing.join_all().await;
    let until = SystemTime::now() + Duration::from_secs(5);
    let before = emu.hits_for("DescribeTelCdr");
    let found = client.find_calls(SDK_APP_ID, &many, since, until).await.unwrap();
    assert_eq!(found.len(), 120);
    assert!(found.iter().all(|o| o.status == CallStatus::NotAnswered && o.callee.as_deref() == Some(&*many)));
    let mut ids: Vec<&str> = found.iter().map(|o| o.session_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 120, "two pages, no record twice");
    assert_eq!(emu.hits_for("DescribeTelCdr") - before, 2);
    // Written as the caller wrote it: normalised like a call's callee.
    let busy = client.find_calls(SDK_APP_ID, "+86 131 0000 0002", since, until).await.unwrap();
    assert_eq!(busy.len(), 3);
    assert!(busy.iter().all(|o| o.status == CallStatus::Busy));
    let earlier = client.find_calls(SDK_APP_ID, &many, since - Duration::from_secs(3600), since).await.unwrap();
    assert!(earlier.is_empty());
    assert!(client.find_calls(SDK_APP_ID + 1, &many, since, until).await.unwrap().is_empty(), "another app");
    let backwards = client.find_calls(SDK_APP_ID, &many, until, since).await.unwrap_err();
    assert_eq!(backwards.kind(), ErrorKind::Validation);
    let ancient = SystemTime::now() - Duration::from_secs(181 * 86_400);
    assert_eq!(client.find_calls(SDK_APP_ID, &many, ancient, until).await.unwrap_err().kind(), ErrorKind::Validation);
}

/// Small bounds so that "not placed" can be concluded within a test: the request's `MaxCallDurationMs` (1 s)
/// bounds the call, and no ringing or record delay beyond half a second is allowed for.
fn small() -> ReconcileOptions {
    ReconcileOptions {
        max_ring: Duration::ZERO,
        max_call_duration: Duration::from_secs(3600),
        record_delay: Duration::from_millis(500),
        clock_skew: Duration::from_secs(2),
    }
}

/// Ask until the answer is no longer "cannot tell yet".
async fn reconcile_until_settled(client: &Client, err: &Error) -> Reconciled {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        match client.reconcile(err, &small()).await.unwrap() {
            Reconciled::CannotTellYet { retry_after } => {
                assert!(std::time::Instant::now() < deadline, "never settled");
                assert!(retry_after <= Duration::from_millis(1500), "{retry_after:?}");
                tokio::time::sleep(retry_after.min(Duration::from_millis(300))).await;
            }
            settled => return settled,
        }
    }
}

/// An outcome-unknown error of a call whose request the emulator processed (the answer came too late, or the
/// connection closed after the call was placed): the reconcile finds the call.
#[tokio::test]
async fn reconcile_finds_a_call_placed_behind_a_timeout() {
    let emu = common::start_unlimited().await;
    let client = common::unlimited_client(&emu, Some(Duration::from_millis(300)));
    emu.script(&callee(1), script(202, 50, 0));
    emu.script(&callee(2), script(1, 30, 50));
    let call = |to: &str| CreateAiCallRequest { max_call_duration_ms: Some(1000), ..request(to) };
    for (to, fault) in
        [(callee(1), Fault::delay_after_read(Duration::from_millis(1500))), (callee(2), Fault::close_after_read())]
    {
        emu.inject(fault.for_action("CreateAICall"));
        let err = client.create_ai_call(&call(&to)).await.unwrap_err();
        assert!(err.outcome_unknown(), "{err}");
        let attempt = err.attempt().expect("the error carries its call");
        assert_eq!((attempt.sdk_app_id, attempt.callee.as_str()), (SDK_APP_ID, to.as_str()));
        assert_eq!(attempt.max_call_duration, Some(Duration::from_secs(1)));
        let placed = emu.calls().into_iter().find(|c| c.body["Callee"] == to.as_str()).expect("the emulator placed it");
        match reconcile_until_settled(&client, &err).await {
            Reconciled::Placed { calls } => {
                assert_eq!(calls.len(), 1);
                assert_eq!(calls[0].session_id, placed.session_id);
            }
            other => panic!("{to}: {other:?}"),
        }
        // Records carry whole seconds: with no allowance for clock skew the call, which started in the second its
        // request left, is still found (before, a window starting at the send time's fraction of a second missed
        // it).
        let exact = ReconcileOptions { clock_skew: Duration::ZERO, ..small() };
        let found = client.reconcile(&err, &exact).await.unwrap();
        assert!(
            matches!(&found, Reconciled::Placed { calls } if calls[0].session_id == placed.session_id),
            "{found:?}"
        );
    }
    assert_eq!(emu.hits_for("CreateAICall"), 2, "nothing was sent again");
}

/// An outcome-unknown error of a request the emulator never processed (the client gave up while it stalled before
/// reading): "cannot tell yet" until no record can still appear, then "not placed".
#[tokio::test]
async fn reconcile_concludes_not_placed_once_no_record_can_appear() {
    let emu = common::start_unlimited().await;
    let client = common::unlimited_client(&emu, Some(Duration::from_millis(300)));
    emu.inject(Fault::delay_before_read(Duration::from_millis(1500)).for_action("CreateAICall"));
    let request = CreateAiCallRequest { max_call_duration_ms: Some(1000), ..request(&callee(1)) };
    let err = client.create_ai_call(&request).await.unwrap_err();
    assert!(err.outcome_unknown(), "{err}");
    match client.reconcile(&err, &small()).await.unwrap() {
        Reconciled::CannotTellYet { retry_after } => assert!(retry_after > Duration::ZERO),
        other => panic!("too early to conclude: {other:?}"),
    }
    assert_eq!(reconcile_until_settled(&client, &err).await, Reconciled::NotPlaced);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(emu.calls().is_empty(), "the stalled request was dropped unprocessed");
    let not_a_call = Error::Connection("refused".into());
    assert_eq!(client.reconcile(&not_a_call, &small()).await.unwrap_err().kind(), ErrorKind::Validation);
}
