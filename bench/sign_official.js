// The official Node SDK's signing function on the inputs of core/benches/signing.rs.
//
//   node sign_official.js  ->  one JSON object: {name: {median_ns, min_ns, max_ns}}
//
// sign: tencentcloud-sdk-nodejs's `Sign.sign3` over the exact body (a Buffer). build_and_sign: `sign3` given the
// params object, as the SDK calls it per request (it serialises with json-bigint, then signs). The SDK has no
// request model or validation, so there is no separate build_request.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const Sign = require("tencentcloud-sdk-nodejs/tencentcloud/common/sign").default;

const SECRET_ID = "AKIDccclocalemulatortestid00000000";
const SECRET_KEY = "ccc-local-emulator-test-secret-key";
const TIMESTAMP = 1700000000;
const WIRE = JSON.parse(fs.readFileSync(path.join(__dirname, "request.json"), "utf8"));
const sorted = (v) =>
  Array.isArray(v)
    ? v.map(sorted)
    : v && typeof v === "object"
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]))
      : v;
// The bytes our core signs and sends: compact, keys sorted, UTF-8 (signing.rs asserts the same).
const BODY = Buffer.from(JSON.stringify(sorted(WIRE)), "utf8");

const sign = (payload) =>
  Sign.sign3({
    method: "POST",
    url: "http://ccc.tencentcloudapi.com/",
    payload,
    timestamp: TIMESTAMP,
    service: "ccc",
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    headers: { "Content-Type": "application/json" },
  });

const CASES = { sign: () => sign(BODY), build_and_sign: () => sign(WIRE) };

function measure(fn, targetMs = 250, repeats = 7) {
  const time = (n) => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    return Number(process.hrtime.bigint() - t);
  };
  let n = 1;
  let elapsed = 0;
  while (elapsed < (targetMs * 1e6) / 4) {
    n *= 2;
    elapsed = time(n);
  }
  n = Math.max(1, Math.floor((n * targetMs * 1e6) / elapsed));
  const perCall = Array.from({ length: repeats }, () => time(n) / n).sort((a, b) => a - b);
  return { median_ns: perCall[repeats >> 1], min_ns: perCall[0], max_ns: perCall[repeats - 1] };
}

console.log(JSON.stringify(Object.fromEntries(Object.entries(CASES).map(([k, fn]) => [k, measure(fn)]))));
