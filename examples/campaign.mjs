// Appointment reminders: one prompt, a CSV of people, calls at the service's rate, and a journal so that a
// re-run after a crash or Ctrl-C never calls anyone twice.
//
//   npm install ccc-aicall
//   export TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=...
//   export CCC_SDK_APP_ID=1400000000 LLM_API_KEY=sk-...
//   node campaign.mjs reminders.csv            # columns: callee, name, time (any extra column is a variable)
//
// Against the local emulator instead of the service, also set CCC_AICALL_ENDPOINT=http://127.0.0.1:PORT and
// the emulator's test credentials.
import { Client, readCallsCsv } from 'ccc-aicall';

const csv = process.argv[2] ?? 'reminders.csv';
// One object per row: [{ callee: '+86 130...', variables: [{ key: 'name', value: 'Li' }, ...] }, ...]
const calls = await readCallsCsv(csv);

const controller = new AbortController();
process.once('SIGINT', () => controller.abort()); // Ctrl-C: stop sending; run again to finish

const client = new Client(); // 20 calls per second, the service's limit
const report = await client.createAiCalls(calls, {
  defaults: {
    sdkAppId: Number(process.env.CCC_SDK_APP_ID ?? 1400000000),
    llmType: 'openai',
    model: 'gpt-4o-mini',
    apiKey: process.env.LLM_API_KEY ?? 'sk-placeholder',
    apiUrl: 'https://api.openai.com/v1/',
    systemPrompt: 'You are Lin from City Dental. Remind {{name}} of the appointment at {{time}}; be brief.',
    voiceType: 'ZhiXi',
    endFunctionEnable: true,
  },
  concurrency: 4,
  journal: `${csv}.journal.jsonl`,
  // progress: the campaign's counts so far, the same numbers the report ends with.
  onProgress: ({ callee, status, error, progress: p }) =>
    console.log(`${p.done}/${p.total} ${callee} ${status}${error ? `: ${error.message}` : ''}`),
  signal: controller.signal,
});

console.log(`placed ${report.placed}, failed ${report.failed}, placed earlier ${report.counts.already_placed}`);
if (report.stoppedBy) console.error(`stopped early: ${report.stoppedBy.message}`);
for (const { callee, sentAt, error } of report.toReconcile) {
  // Sent without a definitive answer: the phone may have rung. Look for it (DescribeTelCdr around the send time)
  // before calling again.
  const sent = sentAt?.toISOString() ?? 'at an unknown time';
  console.error(`check before calling again: ${callee}, sent ${sent}: ${error?.message}`);
}
process.exitCode = report.failed || report.toReconcile.length || report.stoppedBy ? 1 : 0;
