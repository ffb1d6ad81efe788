// Finding a real Redis for local runs and tests.
// Order: REDIS_URL, else 127.0.0.1:6379 if it answers PING, else `redis-server` from
// PATH started on a free port (no persistence), else null (the caller runs with the
// cache off and says so).
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import { LOOPBACK, withPortRetry } from './ports';
import { eachLine, exited, spawnGroup, stopGroup } from './proc';
import { pingRedis } from './resp';

export interface RedisHandle {
  url: string /* redis://host:port */;
  source: 'env' | 'default' | 'spawned';
  /** PID of the redis-server we spawned (process-group leader); undefined otherwise. */
  pid?: number;
  stop(): Promise<void> /* only stops what we spawned */;
}

export interface SpawnedRedis extends RedisHandle {
  source: 'spawned';
  pid: number;
  port: number;
}

const DEFAULT_URL = `redis://${LOOPBACK}:6379`;

export async function resolveRedis(
  opts: { spawnIfMissing?: boolean; dataDir?: string; onLog?: (line: string) => void } = {},
): Promise<RedisHandle | null> {
  const fromEnv = process.env.REDIS_URL?.trim();
  if (fromEnv) return { url: fromEnv, source: 'env', stop: async () => {} };
  if (await pingRedis(DEFAULT_URL, 300)) return { url: DEFAULT_URL, source: 'default', stop: async () => {} };
  if (opts.spawnIfMissing === false) return null;
  try {
    return await startRedisServer(undefined, { dataDir: opts.dataDir, onLog: opts.onLog });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null; // no redis-server on PATH
    throw err;
  }
}

/**
 * Starts `redis-server` on `port` (a free one by default) in its own process group,
 * bound to 127.0.0.1, without persistence. Tests use this for a Redis they may stop
 * on purpose. Rejects with code ENOENT when redis-server is not on PATH.
 */
export async function startRedisServer(
  port?: number,
  opts: { dataDir?: string; onLog?: (line: string) => void } = {},
): Promise<SpawnedRedis> {
  const dir = opts.dataDir ?? os.tmpdir();
  await mkdir(dir, { recursive: true });
  const log = opts.onLog ?? (() => {});

  return withPortRetry(
    async (candidate) => {
      const child: ChildProcess = spawnGroup(
        'redis-server',
        [
          '--port',
          String(candidate),
          '--bind',
          LOOPBACK,
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
          '--daemonize',
          'no',
          '--protected-mode',
          'yes',
          '--loglevel',
          'warning',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const output: string[] = [];
      const onLine = (line: string) => {
        output.push(line);
        if (output.length > 50) output.shift();
        log(line);
      };
      eachLine(child.stdout, onLine);
      eachLine(child.stderr, onLine);
      const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
      const url = `redis://${LOOPBACK}:${candidate}`;

      const ready = (async () => {
        const deadline = Date.now() + 10_000;
        for (;;) {
          if (child.exitCode !== null || child.signalCode !== null) {
            throw new Error(`redis-server exited during start-up: ${output.join('\n')}`);
          }
          if (await pingRedis(url, 200)) return;
          if (Date.now() > deadline) throw new Error('redis-server did not answer PING within 10 s');
          await new Promise((r) => setTimeout(r, 30));
        }
      })();
      // whichever loses the race must not become an unhandled rejection
      spawnError.catch(() => {});
      ready.catch(() => {});
      try {
        await Promise.race([ready, spawnError]);
      } catch (err) {
        if (child.pid !== undefined) await stopGroup(child.pid, { signal: 'SIGKILL' });
        throw err;
      }
      const pid = child.pid as number;
      let stopped: Promise<void> | undefined;
      return {
        url,
        source: 'spawned' as const,
        pid,
        port: candidate,
        stop() {
          stopped ??= (async () => {
            await stopGroup(pid, { signal: 'SIGTERM', timeoutMs: 5000 });
            await exited(child);
          })();
          return stopped;
        },
      };
    },
    { fixedPort: port },
  );
}
