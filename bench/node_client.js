// One Node contender in one fresh process, for bench/run.py: prints one JSON object.
//
//   node node_client.js IMPL MODE ENDPOINT OURS_PACKAGE_DIR [SECONDS] [CONCURRENCY]
//
// IMPL is `ours` (ccc-aicall, the release build staged by run.py) or `official` (tencentcloud-sdk-nodejs);
// MODE is `seq` (one call after another), `conc` (CONCURRENCY calls in flight) or `once` (one call: run.py then
// checks what reached the emulator). Every call sends
// bench/request.json. Reported: calls, seconds, calls_per_s, p50_us / p99_us (seq), cpu_us_per_call
// (process.cpuUsage over the measured calls, every thread), max_rss_kb (peak RSS: VmHWM, since maxRSS also counts
// the parent's memory when the process was started by vfork + exec), all_calls (warm-up included).
"use strict";

const http = require("node:http");
const net = require("node:net");
const path = require("node:path");
const fs = require("node:fs");

const SECRET_ID = "AKIDccclocalemulatortestid00000000";
const SECRET_KEY = "ccc-local-emulator-test-secret-key";
const WIRE = JSON.parse(fs.readFileSync(path.join(__dirname, "request.json"), "utf8"));
const WARMUP_MS = 500;

// `LLMType` -> `llmType`, `CustomTTSConfig` -> `customTtsConfig`: our top-level property names.
function camel(wire) {
  const snake = wire.replace(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/g, "_").toLowerCase();
  return snake.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

function ours(endpoint, pkgDir) {
  const { Client } = require(pkgDir);
  const client = new Client({ endpoint, secretId: SECRET_ID, secretKey: SECRET_KEY, rateLimit: 0 });
  const params = Object.fromEntries(Object.entries(WIRE).map(([k, v]) => [camel(k), v]));
  return async () => (await client.createAiCall(params)).sessionId;
}

function official(endpoint) {
  const tencentcloud = require("tencentcloud-sdk-nodejs");
  const port = Number(new URL(endpoint).port);
  // API.md section 8: keep the real endpoint (the SDK signs its host and takes the service from it) and route
  // the socket to the emulator. keepAlive, as Node's own global agent has it since Node 19.
  const agent = new http.Agent({ keepAlive: true });
  agent.createConnection = (options, callback) => net.createConnection({ host: "127.0.0.1", port }, callback);
  const client = new tencentcloud.ccc.v20200210.Client({
    credential: { secretId: SECRET_ID, secretKey: SECRET_KEY },
    profile: { httpProfile: { endpoint: "ccc.tencentcloudapi.com", protocol: "http://", agent } },
  });
  return async () => (await client.CreateAICall(WIRE)).SessionId;
}

const now = () => Number(process.hrtime.bigint()) / 1e3; // microseconds
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

const peakRssKb = () => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"))[1]);

async function sequential(call, seconds) {
  let warm = 0;
  for (const until = now() + WARMUP_MS * 1e3; now() < until; warm++) {
    if (!(await call())) throw new Error("no SessionId");
  }
  const latencies = [];
  const cpu0 = cpu();
  const start = now();
  const deadline = start + seconds * 1e6;
  let t = start;
  while (t < deadline) {
    const id = await call();
    const end = now();
    latencies.push(end - t);
    t = end;
    if (!id) throw new Error("no SessionId");
  }
  latencies.sort((a, b) => a - b);
  const pick = (p) => latencies[Math.round((latencies.length - 1) * p)];
  const calls = latencies.length;
  return {
    calls,
    seconds: (t - start) / 1e6,
    cpu: cpu() - cpu0,
    p50_us: pick(0.5),
    p99_us: pick(0.99),
    all_calls: warm + calls,
  };
}

async function concurrent(call, seconds, concurrency) {
  const worker = async (until, counter) => {
    while (now() < until) {
      if (!(await call())) throw new Error("no SessionId");
      counter.n += 1;
    }
  };
  const warm = { n: 0 };
  const warmUntil = now() + WARMUP_MS * 1e3;
  await Promise.all(Array.from({ length: concurrency }, () => worker(warmUntil, warm)));
  const done = { n: 0 };
  const cpu0 = cpu();
  const start = now();
  await Promise.all(Array.from({ length: concurrency }, () => worker(start + seconds * 1e6, done)));
  return { calls: done.n, seconds: (now() - start) / 1e6, cpu: cpu() - cpu0, all_calls: warm.n + done.n };
}

async function main() {
  const [impl, mode, endpoint, pkgDir, seconds = "3", concurrency = "64"] = process.argv.slice(2);
  const call = impl === "ours" ? ours(endpoint, path.resolve(pkgDir)) : official(endpoint);
  if (mode === "once") {
    console.log(JSON.stringify({ session_id: await call() }));
    process.exit(0);
  }
  const out =
    mode === "seq"
      ? await sequential(call, Number(seconds))
      : await concurrent(call, Number(seconds), Number(concurrency));
  out.calls_per_s = out.calls / out.seconds;
  out.cpu_us_per_call = out.cpu / out.calls;
  delete out.cpu;
  out.max_rss_kb = peakRssKb();
  console.log(JSON.stringify(out));
  process.exit(0); // keep-alive sockets would hold the process open
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
