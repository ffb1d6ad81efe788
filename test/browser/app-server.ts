import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RedisHandle, startRedisServer } from '../../scripts/local/redis';

export interface RunningApp {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  stop(): Promise<void>;
}

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;
const OUTPUT_LINES_KEPT = 200;

/**
 * Starts the real local stack (`scripts/start.ts --no-build`: Postgres,
 * proxies, wrangler dev) on a free port with a fresh data folder, and waits
 * for `/healthz`. The build must already exist (`npm test` builds first).
 *
 * Unless REDIS_URL is set, the app gets its own `redis-server` (when one is
 * on PATH): rate-limit counters (5 sign-ins per account per 15 min) must not
 * carry over from another run or another app sharing 127.0.0.1:6379.
 *
 * `BROWSER_TEST_URL` points the tests at an app that is already running
 * instead (nothing is started or stopped).
 */
export async function startApp(): Promise<RunningApp> {
  const external = process.env.BROWSER_TEST_URL;
  if (external) return { url: external.replace(/\/+$/, ''), stop: async () => {} };

  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'alforis-browser-'));
  // Embedded Postgres runs as the `postgres` user, which must traverse it.
  await chmod(dataDir, 0o755);

  const redis = await privateRedis(dataDir);
  const output: string[] = [];
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/start.ts', '--no-build'], {
    cwd: ROOT,
    // Its own process group, so stop() reaches wrangler/workerd/postgres too.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      ALFORIS_DATA_DIR: dataDir,
      ...(redis ? { REDIS_URL: redis.url } : {}),
      // tsx's `#!/usr/bin/env node` must find the Node 22 from the `node` package.
      PATH: `${join(ROOT, 'node_modules/.bin')}${delimiter}${process.env.PATH ?? ''}`,
      WRANGLER_SEND_METRICS: 'false',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      FORCE_COLOR: '0',
    },
  });
  const exited = new Promise<number | string | null>((done) => {
    child.once('exit', (code, signal) => done(code ?? signal));
    child.once('error', (error) => done(error.message));
  });
  let readyUrl: string | undefined;
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      output.push(line);
      if (output.length > OUTPUT_LINES_KEPT) output.shift();
      const ready = /Alforis CRM ready: (http:\/\/\S+)/.exec(line);
      if (ready?.[1]) readyUrl = ready[1].replace(/\/+$/, '');
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const stop = async () => {
    try {
      await stopGroup(child, exited);
    } finally {
      await redis?.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  };

  try {
    const url = await waitForHealthy(() => readyUrl ?? `http://127.0.0.1:${port}`, exited);
    return { url, stop };
  } catch (error) {
    await stop().catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`npm start did not become healthy: ${reason}\n--- its output ---\n${output.join('\n')}`);
  }
}

/** A redis-server of our own, or null (REDIS_URL set, or none on PATH: npm start decides). */
async function privateRedis(dataDir: string): Promise<RedisHandle | null> {
  if (process.env.REDIS_URL) return null;
  try {
    return await startRedisServer(undefined, { dataDir: join(dataDir, 'redis') });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function waitForHealthy(
  currentUrl: () => string,
  exited: Promise<number | string | null>,
): Promise<string> {
  let exitStatus: number | string | null | undefined;
  void exited.then((status) => {
    exitStatus = status;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitStatus !== undefined) throw new Error(`it exited early (${exitStatus})`);
    const url = currentUrl();
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return url;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  throw new Error(`no 200 from /healthz within ${READY_TIMEOUT_MS / 1000} s`);
}

/**
 * SIGTERM the whole group and wait for npm start to exit; SIGKILL after the
 * grace period. Anything of the group still alive after that is a leak: it is
 * killed, and reported as an error so a broken shutdown fails the run.
 */
async function stopGroup(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals | 0): boolean => {
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      return false; // ESRCH: no process left in the group.
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    signalGroup('SIGTERM');
    const timedOut = Symbol('timeout');
    const result = await Promise.race([exited, sleep(STOP_TIMEOUT_MS).then(() => timedOut)]);
    if (result === timedOut) {
      signalGroup('SIGKILL');
      await exited;
      throw new Error(`npm start ignored SIGTERM for ${STOP_TIMEOUT_MS / 1000} s`);
    }
  }
  for (let waited = 0; signalGroup(0); waited += 100) {
    if (waited >= 10_000) {
      signalGroup('SIGKILL');
      throw new Error('processes started by npm start outlived it (killed)');
    }
    await sleep(100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolvePort(address.port);
        else reject(new Error('could not allocate a port'));
      });
    });
  });
}
