'use strict';
// A real redis-server for the shared-store tests: started on a free port of 127.0.0.1 in a temporary directory,
// without persistence, and killed at the end. The binary is CCC_TEST_REDIS_SERVER or `redis-server` on PATH; a
// missing binary fails the test with a message saying so. `command` speaks RESP over a raw socket, to look at
// what the SDK wrote (this package has no Redis client, and needs none).

const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { setTimeout: sleep } = require('node:timers/promises');

const BINARY = process.env.CCC_TEST_REDIS_SERVER || 'redis-server';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

class RedisServer {
  /** Start one (`password`: `--requirepass`); resolves once it answers PING. Stopped by `t.after`. */
  static async start(t, { password } = {}) {
    const server = new RedisServer(await freePort(), password);
    server.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-aicall-redis-'));
    t.after(async () => {
      await server.stop();
      fs.rmSync(server.dir, { recursive: true, force: true });
    });
    await server.#run();
    return server;
  }

  constructor(port, password) {
    this.port = port;
    this.password = password;
    this.child = null;
  }

  /** `redis://127.0.0.1:PORT/0`, with the password when there is one. */
  get url() {
    const auth = this.password ? `:${encodeURIComponent(this.password)}@` : '';
    return `redis://${auth}127.0.0.1:${this.port}/0`;
  }

  /** SIGKILL (as abrupt as a crash), and wait until it is gone. */
  async stop() {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }

  /** Start it again on the same port, empty (nothing was persisted). */
  async restart() {
    await this.stop();
    await this.#run();
  }

  async #run() {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    args.push('--dir', this.dir);
    if (this.password) args.push('--requirepass', this.password);
    const child = spawn(BINARY, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    await new Promise((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (e) =>
        reject(
          new Error(
            `cannot start ${JSON.stringify(BINARY)} (${e.message}): the shared-store tests need a real Redis ` +
              'server; install one (apt-get install redis-server) or set CCC_TEST_REDIS_SERVER to its path',
          ),
        ),
      );
    });
    this.child = child;
    // A test process that dies early must not leave a server behind.
    const orphan = () => child.kill('SIGKILL');
    process.once('exit', orphan);
    child.once('exit', () => process.removeListener('exit', orphan));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`redis-server on port ${this.port} exited (${child.exitCode})`);
      try {
        if ((await this.command('PING')) === 'PONG') return;
      } catch {
        // not listening yet
      }
      await sleep(20);
    }
    throw new Error(`redis-server on port ${this.port} did not answer PING within 10 s`);
  }

  /** One command (authenticated first when the server has a password); resolves with its decoded answer. */
  async command(...args) {
    const commands = this.password ? [['AUTH', this.password], args] : [args];
    const answers = await send(this.port, commands);
    return answers[answers.length - 1];
  }

  /** Every key and its value (strings as they are, hashes as objects): what the SDK left in Redis. */
  async dump() {
    const out = {};
    for (const key of await this.command('KEYS', '*')) {
      const type = await this.command('TYPE', key);
      out[key] = type === 'hash' ? pairs(await this.command('HGETALL', key)) : await this.command('GET', key);
    }
    return out;
  }
}

function pairs(list) {
  const out = {};
  for (let i = 0; i < list.length; i += 2) out[list[i]] = list[i + 1];
  return out;
}

// Send `commands` on one connection and read one answer per command; an error answer rejects.
function send(port, commands) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    const answers = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('redis: no answer within 5 s')));
    socket.on('error', reject);
    socket.on('connect', () => {
      for (const args of commands) {
        const parts = args.map((a) => Buffer.from(String(a)));
        socket.write(`*${parts.length}\r\n`);
        for (const p of parts) socket.write(Buffer.concat([Buffer.from(`$${p.length}\r\n`), p, Buffer.from('\r\n')]));
      }
    });
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsed = parse(buffer, 0);
        if (!parsed) return;
        buffer = buffer.subarray(parsed.end);
        if (parsed.value instanceof Error) {
          socket.destroy();
          reject(parsed.value);
          return;
        }
        answers.push(parsed.value);
        if (answers.length === commands.length) {
          socket.end();
          resolve(answers);
          return;
        }
      }
    });
  });
}

// One RESP value at `at`, or null when the buffer does not hold all of it yet.
function parse(buffer, at) {
  const eol = buffer.indexOf('\r\n', at);
  if (eol < 0) return null;
  const type = String.fromCharCode(buffer[at]);
  const line = buffer.toString('utf8', at + 1, eol);
  const next = eol + 2;
  if (type === '+') return { value: line, end: next };
  if (type === '-') return { value: new Error(`redis: ${line}`), end: next };
  if (type === ':') return { value: Number(line), end: next };
  if (type === '$') {
    const length = Number(line);
    if (length < 0) return { value: null, end: next };
    if (buffer.length < next + length + 2) return null;
    return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
  }
  if (type === '*') {
    const count = Number(line);
    const values = [];
    let end = next;
    for (let i = 0; i < count; i++) {
      const item = parse(buffer, end);
      if (!item) return null;
      values.push(item.value);
      end = item.end;
    }
    return { value: count < 0 ? null : values, end };
  }
  throw new Error(`redis: an answer this helper does not read: ${JSON.stringify(line)}`);
}

module.exports = { RedisServer };
