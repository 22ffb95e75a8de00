// One cold start, for bench/run.py: this fresh process requires a client package, builds a client and places one
// CreateAICall over TLS on the emulator, then exits; run.py times it from spawn to exit.
//
//   node cold_start.js IMPL ENDPOINT CA_FILE PARAMS_JSON OURS_PACKAGE_DIR
//
// IMPL is `ours` (ccc-aicall; PARAMS_JSON holds createAiCall's parameters) or `official` (tencentcloud-sdk-nodejs;
// PARAMS_JSON is the wire request). The first call pays the TLS handshake; the emulator's throwaway CA is trusted
// with `caFile` (ours) and NODE_EXTRA_CA_CERTS, set by run.py (official). Prints the SessionId, then exits at once
// (an idle keep-alive connection would otherwise hold the process open).
"use strict";

const fs = require("node:fs");

const SECRET_ID = "AKIDccclocalemulatortestid00000000";
const SECRET_KEY = "ccc-local-emulator-test-secret-key";

async function ours(endpoint, caFile, params, pkgDir) {
  const { Client } = require(pkgDir);
  const client = new Client({ endpoint, secretId: SECRET_ID, secretKey: SECRET_KEY, caFile });
  return (await client.createAiCall(params)).sessionId;
}

async function official(endpoint, params) {
  const tencentcloud = require("tencentcloud-sdk-nodejs");
  const https = require("node:https");
  const tls = require("node:tls");
  const { port } = new URL(endpoint);
  // API.md section 8: keep the real endpoint (the SDK signs its host and takes the service from it) and route the
  // socket to the emulator, whose certificate names localhost.
  const agent = new https.Agent({ keepAlive: true });
  agent.createConnection = (options, callback) =>
    tls.connect({ host: "127.0.0.1", port: Number(port), servername: "localhost" }, callback);
  const client = new tencentcloud.ccc.v20200210.Client({
    credential: { secretId: SECRET_ID, secretKey: SECRET_KEY },
    profile: { httpProfile: { endpoint: "ccc.tencentcloudapi.com", protocol: "https://", agent } },
  });
  return (await client.CreateAICall(params)).SessionId;
}

async function main() {
  const [impl, endpoint, caFile, paramsFile, pkgDir] = process.argv.slice(2);
  const params = JSON.parse(fs.readFileSync(paramsFile, "utf8"));
  const id = impl === "ours" ? await ours(endpoint, caFile, params, pkgDir) : await official(endpoint, params);
  console.log(id);
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
