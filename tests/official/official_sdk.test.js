// The official Node SDK (tencentcloud-sdk-nodejs) against the local emulator.
// Run by tests/official/run.sh (make test-official), which starts the emulator and sets
// CCC_EMULATOR_ENDPOINT (the shared instance) and CCC_EMULATOR_BIN (to start instances with other options).
"use strict";

const { test, after } = require("node:test");
const assert = require("node:assert/strict");
const http = require("node:http");
const net = require("node:net");
const readline = require("node:readline");
const { spawn } = require("node:child_process");

const tencentcloud = require("tencentcloud-sdk-nodejs");

const CccClient = tencentcloud.ccc.v20200210.Client;
const TEST_SECRET_ID = "AKIDccclocalemulatortestid00000000";
const TEST_SECRET_KEY = "ccc-local-emulator-test-secret-key";
const SDK_APP_ID = 1400000000;
const VALID_CALL = {
  SdkAppId: SDK_APP_ID,
  Callee: "008613012345678",
  LLMType: "openai",
  APIKey: "sk-test-not-a-real-key",
  APIUrl: "https://api.openai.com/v1/",
  SystemPrompt: "You are a polite assistant confirming an appointment.",
  Model: "gpt-4o-mini",
  Callers: ["008675500000000"],
};

function portOf(endpoint) {
  return Number(new URL(endpoint).port);
}

// API.md section 8: the Node SDK takes the signing service from the endpoint's first DNS label and signs the
// host without its port, so keep the real endpoint and route the socket to the emulator with an agent.
function loopbackAgent(port) {
  const agent = new http.Agent({ keepAlive: false });
  agent.createConnection = () => net.createConnection({ host: "127.0.0.1", port });
  return agent;
}

function client(endpoint, { secretId = TEST_SECRET_ID, secretKey = TEST_SECRET_KEY, token, timeout = 10 } = {}) {
  return new CccClient({
    credential: { secretId, secretKey, token },
    profile: {
      httpProfile: {
        endpoint: "ccc.tencentcloudapi.com",
        protocol: "http://",
        agent: loopbackAgent(portOf(endpoint)),
        reqTimeout: timeout,
      },
    },
  });
}

async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("expected the call to fail");
}

// The emulator's unsigned control surface (/__emulator/state, /faults, /reset...).
async function admin(endpoint, path, body) {
  const init = body === undefined ? {} : { method: "POST", body: JSON.stringify(body) };
  const resp = await fetch(`${endpoint}/__emulator/${path}`, init);
  return resp.json();
}

async function errorCode(promise) {
  try {
    await promise;
  } catch (e) {
    return e.code;
  }
  assert.fail("expected the call to fail");
}

const sharedEndpoint = () => {
  const endpoint = process.env.CCC_EMULATOR_ENDPOINT;
  assert.ok(endpoint, "CCC_EMULATOR_ENDPOINT is not set: run this through tests/official/run.sh (make test-official)");
  return endpoint;
};

// Emulators started here are stopped after the tests, and on any exit of this process.
const children = new Set();
function stopEmulators() {
  children.forEach((child) => child.kill());
  children.clear();
}
after(stopEmulators);
process.on("exit", stopEmulators);

// Start another emulator with its own options; resolves to its endpoint.
function startEmulator(...args) {
  const binary = process.env.CCC_EMULATOR_BIN;
  assert.ok(binary, "CCC_EMULATOR_BIN is not set: run this through tests/official/run.sh (make test-official)");
  const child = spawn(binary, ["--port", "0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  children.add(child);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`emulator exited early with ${code}`)));
    readline.createInterface({ input: child.stdout }).once("line", (line) => {
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      match ? resolve(match[1]) : reject(new Error(`unexpected first line: ${line}`));
    });
  });
}

test("CreateAICall succeeds", async () => {
  const resp = await client(sharedEndpoint()).CreateAICall(VALID_CALL);
  assert.match(resp.SessionId, /^[0-9a-f]{32}$/);
  assert.match(resp.RequestId, /^[0-9a-f-]{36}$/);
});

test("a wrong key is AuthFailure.SignatureFailure", async () => {
  const cli = client(sharedEndpoint(), { secretKey: "not-the-key" });
  assert.equal(await errorCode(cli.CreateAICall(VALID_CALL)), "AuthFailure.SignatureFailure");
});

test("an unknown SecretId is AuthFailure.SecretIdNotFound", async () => {
  const cli = client(sharedEndpoint(), { secretId: "AKIDnobodyknowsthisid" });
  assert.equal(await errorCode(cli.CreateAICall(VALID_CALL)), "AuthFailure.SecretIdNotFound");
});

test("temporary credentials need their token", async () => {
  const ep = await startEmulator(
    "--secret-id", "AKIDtemporary", "--secret-key", "temporary-key", "--token", "session-token",
  );
  const creds = { secretId: "AKIDtemporary", secretKey: "temporary-key" };
  const ok = await client(ep, { ...creds, token: "session-token" }).CreateAICall(VALID_CALL);
  assert.match(ok.SessionId, /^[0-9a-f]{32}$/);
  assert.equal(await errorCode(client(ep, creds).CreateAICall(VALID_CALL)), "AuthFailure.TokenFailure");
  assert.equal(
    await errorCode(client(ep, { ...creds, token: "other" }).CreateAICall(VALID_CALL)),
    "AuthFailure.TokenFailure",
  );
});

test("parameter errors use the service's codes", async () => {
  const cli = client(sharedEndpoint());
  const { Callee, ...withoutCallee } = VALID_CALL;
  assert.equal(await errorCode(cli.CreateAICall(withoutCallee)), "MissingParameter");
  assert.equal(await errorCode(cli.CreateAICall({ ...VALID_CALL, SystemPromt: "typo" })), "UnknownParameter");
  assert.equal(
    await errorCode(cli.CreateAICall({ ...VALID_CALL, LLMType: "not-a-protocol" })),
    "InvalidParameterValue",
  );
});

test("DescribeTelSession then HangUpCall", async () => {
  const cli = client(sharedEndpoint());
  const { SessionId } = await cli.CreateAICall(VALID_CALL);
  const { Session } = await cli.DescribeTelSession({ SdkAppId: SDK_APP_ID, SessionId });
  assert.equal(Session.SessionID, SessionId);
  assert.ok(["ringing", "inProgress"].includes(Session.SessionStatus), Session.SessionStatus);
  await cli.HangUpCall({ SdkAppId: SDK_APP_ID, SessionId });
  const hungUp = await cli.DescribeTelSession({ SdkAppId: SDK_APP_ID, SessionId });
  assert.equal(hungUp.Session.SessionStatus, "finished");
});

test("an unknown session is ResourceNotFound", async () => {
  const cli = client(sharedEndpoint());
  const code = await errorCode(cli.DescribeTelSession({ SdkAppId: SDK_APP_ID, SessionId: "0".repeat(32) }));
  assert.equal(code, "ResourceNotFound");
});

test("a server clock ten minutes ahead expires the signature (no skew correction in the SDK)", async () => {
  const ep = await startEmulator("--clock-offset", "600");
  assert.equal(await errorCode(client(ep).CreateAICall(VALID_CALL)), "AuthFailure.SignatureExpire");
});

// What the official SDK makes of the failures that leave a call placed (API.md sections 5 and 7).

test("a 502 is an exception with httpCode 502 and no code; the call was placed", async () => {
  const ep = await startEmulator("--fault", '{"kind":"http_status","status":502}');
  const err = await failure(client(ep).CreateAICall(VALID_CALL));
  assert.equal(err.httpCode, 502);
  assert.ok(!err.code);
  const state = await admin(ep, "state");
  assert.deepEqual([state.calls.length, state.hits], [1, 1]);
});

test("a non-JSON 200 escapes as a raw FetchError, not the SDK's exception", async () => {
  const ep = await startEmulator();
  await admin(ep, "faults", { kind: "malformed_body" });
  const err = await failure(client(ep).CreateAICall(VALID_CALL));
  assert.equal(err.name, "FetchError");
  assert.equal(err.code, undefined);
  assert.equal((await admin(ep, "state")).calls.length, 1);
});

test("a truncated body is only noticed when the request timeout fires", async () => {
  const ep = await startEmulator("--fault", '{"kind":"truncated_body"}');
  const started = Date.now();
  const err = await failure(client(ep, { timeout: 1 }).CreateAICall(VALID_CALL));
  assert.match(String(err.message), /timeout/i);
  assert.ok(Date.now() - started >= 900, "node-fetch waits for the timeout although the server closed");
  assert.equal((await admin(ep, "state")).calls.length, 1);
});
