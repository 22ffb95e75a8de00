//! make bench: the per-call CPU work of the core on the bench's request (bench/request.json), without I/O.
//! `sign` is TC3 over the exact body; `build_request` is what runs per call before signing: loose JSON ->
//! typed request -> validated, normalised wire body (`_snake` / `_camel`: with the keys as the Python and Node
//! bindings hand them over).

use ccc_aicall::signer::{self, SigningInput, CONTENT_TYPE_JSON};
use ccc_aicall::{CreateAiCallRequest, KeyCase};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use serde_json::Value;
use std::hint::black_box;
use std::time::Duration;

const REQUEST: &str = include_str!("../../bench/request.json");
/// The same inputs the official SDKs' signing functions get in bench/sign_official.{py,js}.
const SECRET_ID: &str = "AKIDccclocalemulatortestid00000000";
const SECRET_KEY: &str = "ccc-local-emulator-test-secret-key";
const HOST: &str = "ccc.tencentcloudapi.com";
const TIMESTAMP: i64 = 1_700_000_000;

fn request() -> Value {
    serde_json::from_str(REQUEST).expect("bench/request.json is JSON")
}

fn wire_body() -> String {
    CreateAiCallRequest::from_value(request(), KeyCase::Wire)
        .and_then(|r| r.to_wire_body())
        .expect("bench/request.json is a valid request")
}

fn sign(body: &[u8]) -> signer::Signed {
    let headers = [("content-type", CONTENT_TYPE_JSON), ("host", HOST)];
    signer::sign(
        SECRET_ID,
        SECRET_KEY,
        &SigningInput {
            method: "POST",
            path: "/",
            query: "",
            headers: &headers,
            payload: body,
            service: "ccc",
            timestamp: TIMESTAMP,
        },
    )
}

fn benches(c: &mut Criterion) {
    let body = wire_body();
    // bench/sign_official.{py,js} sign this text (compact, keys sorted): the same bytes for every signer.
    assert_eq!(body, request().to_string(), "bench/request.json must already be in normalised wire form");
    c.bench_function("sign", |b| b.iter(|| sign(black_box(body.as_bytes()))));
    let value = request();
    c.bench_function("build_request", |b| {
        b.iter_batched(
            || value.clone(),
            |v| CreateAiCallRequest::from_value(v, KeyCase::Wire).and_then(|r| r.to_wire_body()).expect("valid"),
            BatchSize::SmallInput,
        )
    });
    // The bindings hand over their own spelling of the top-level keys: snake_case from Python, camelCase from Node.
    for (name, case) in [("build_request_snake", KeyCase::Snake), ("build_request_camel", KeyCase::Camel)] {
        let Value::Object(wire_keys) = request() else { unreachable!() };
        let cased = Value::Object(wire_keys.into_iter().map(|(k, v)| (case.key(&k), v)).collect());
        c.bench_function(name, |b| {
            b.iter_batched(
                || cased.clone(),
                |v| CreateAiCallRequest::from_value(v, case).and_then(|r| r.to_wire_body()).expect("valid"),
                BatchSize::SmallInput,
            )
        });
    }
    c.bench_function("build_and_sign", |b| {
        b.iter_batched(
            || value.clone(),
            |v| {
                let body =
                    CreateAiCallRequest::from_value(v, KeyCase::Wire).and_then(|r| r.to_wire_body()).expect("valid");
                sign(body.as_bytes())
            },
            BatchSize::SmallInput,
        )
    });
}

// Short runs: the whole `make bench` has a budget of about 15 minutes on a 2-core machine.
criterion_group! {
    name = signing;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    targets = benches
}
criterion_main!(signing);
