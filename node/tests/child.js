'use strict';
// A child `node` process running a small script, for the tests of what separate processes share (a Redis store).

const { spawn } = require('node:child_process');

/**
 * Run `script` in a child `node` whose argv[1] is `input` as JSON. `result` resolves with the JSON of its last
 * stdout line once it exits with 0 (and rejects otherwise); `ready` resolves when it prints a line `ready` (a
 * script that waits for a line on stdin before it starts, so that several children start together: `start` or `go`).
 */
function child(script, input, env = {}) {
  const proc = spawn(process.execPath, ['-e', script, JSON.stringify(input)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  let isReady;
  const ready = new Promise((resolve) => (isReady = resolve));
  proc.stderr.on('data', (chunk) => (stderr += chunk));
  proc.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (stdout.split('\n').includes('ready')) isReady();
  });
  const result = new Promise((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      const last = stdout.trim().split('\n').pop();
      if (code !== 0) return reject(new Error(`child exited ${code ?? signal}:\n${stdout}\n${stderr}`));
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`child printed no result:\n${stdout}\n${stderr}`));
      }
    });
  });
  // A child still running when its test ends is killed; a rejection nobody awaits is not an unhandled one.
  result.catch(() => {});
  return { proc, ready, result };
}

/** Once every child is ready, start them all at once. */
async function start(children) {
  await Promise.race([
    Promise.all(children.map((c) => c.ready)),
    Promise.all(children.map((c) => c.result)), // a child that dies before it is ready fails the test
  ]);
  for (const c of children) c.proc.stdin.write('go\n');
}

/** Start them all at once (`start`); resolves with their results. */
async function go(children) {
  await start(children);
  return Promise.all(children.map((c) => c.result));
}

module.exports = { child, go, start };
