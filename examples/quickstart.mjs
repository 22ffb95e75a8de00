// Place one LLM-driven phone call with Tencent Cloud Contact Center, look at its status, wait for how it ended.
//
//   npm install ccc-aicall
//   export TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=...
//   export CCC_SDK_APP_ID=1400000000 CCC_CALLEE=008613012345678 LLM_API_KEY=sk-...
//   node quickstart.mjs
//
// Against the local emulator instead of the service, also set CCC_AICALL_ENDPOINT=http://127.0.0.1:PORT and
// the emulator's test credentials.
import { Client, OutcomeUnknownError, ValidationError } from 'ccc-aicall';

const sdkAppId = Number(process.env.CCC_SDK_APP_ID ?? 1400000000);
const client = new Client(); // credentials, region and endpoint from the environment

try {
  const placed = await client.createAiCall(
    {
      sdkAppId,
      callee: process.env.CCC_CALLEE ?? '008613012345678',
      llmType: 'openai',
      model: 'gpt-4o-mini',
      apiKey: process.env.LLM_API_KEY ?? 'sk-placeholder',
      apiUrl: 'https://api.openai.com/v1/',
      systemPrompt: 'You are Lin from City Dental. Confirm tomorrow 10:00 appointment; be brief and friendly.',
      welcomeMessage: 'Hello, this is Lin from City Dental.',
      voiceType: 'ZhiXi',
      endFunctionEnable: true,
      maxDuration: 30_000, // hang up after 30 s of silence from the callee (milliseconds)
    },
    { signal: AbortSignal.timeout(60_000) },
  );
  const { sessionId, requestId } = placed;
  console.log(`call placed: session ${sessionId} (request ${requestId})`);

  const { Session } = await client.request('DescribeTelSession', { SdkAppId: sdkAppId, SessionId: sessionId });
  console.log(`status: ${Session.SessionStatus}`);

  // Or wait for how it ended: status, durations, transcript (polled with backoff; 10 minutes at most).
  console.log(await client.waitForCall(placed));
} catch (error) {
  if (error instanceof ValidationError) {
    for (const { field, message } of error.errors) console.error(`${field}: ${message}`);
  } else if (error instanceof OutcomeUnknownError || error.outcomeUnknown) {
    // The phone may be ringing: do not just retry, or the person may be called twice.
    console.error(`the call may have been placed; check the call records before retrying: ${error.message}`);
  } else {
    console.error(`${error.name}: ${error.message}`);
  }
  process.exitCode = 1;
}
