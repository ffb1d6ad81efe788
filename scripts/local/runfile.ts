// The data folder of a local run, and its run file: who is running from it, and
// which processes it started (so a later start can clean up after a SIGKILL).
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopStalePostgres } from './postgres';
import { groupMembers, isAlive, processStartTime, stopGroup } from './proc';

export interface StackPaths {
  dataDir: string;
  /** embedded Postgres: pgdata/ + password */
  postgresDir: string;
  runFile: string;
  /** generated dotenv file with the worker's local bindings (mode 600), passed to wrangler --env-file */
  workerEnvFile: string;
  /** generated defaults (SESSION_SECRET), overridable by the user's .env/.dev.vars */
  workerDefaultsFile: string;
  /** tokens and secrets generated once for this data folder (mode 600) */
  secretsFile: string;
  /** wrangler/miniflare local state: Durable Objects, R2, queues */
  wranglerStateDir: string;
  /** scratch folder for redis-server and logs */
  tmpDir: string;
}

/** The project root (this file is scripts/local/runfile.ts). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function stackPaths(dataDir?: string): StackPaths {
  const root = path.resolve(PROJECT_ROOT, dataDir ?? process.env.ALFORIS_DATA_DIR ?? '.data');
  return {
    dataDir: root,
    postgresDir: path.join(root, 'postgres'),
    runFile: path.join(root, 'run.json'),
    workerEnvFile: path.join(root, 'worker.env'),
    workerDefaultsFile: path.join(root, 'worker.defaults.env'),
    secretsFile: path.join(root, 'secrets.json'),
    wranglerStateDir: path.join(root, 'wrangler-state'),
    tmpDir: path.join(root, 'tmp'),
  };
}

export interface RunChild {
  name: string;
  pid: number;
  /** process group we may kill as a whole (our spawned servers lead their own group) */
  pgid?: number;
  startTime?: number;
}

export interface RunInfo {
  pid: number;
  startTime?: number;
  startedAt: string;
  url?: string;
  postgres?: { port: number; database: string };
  proxy?: { port: number; wsProxy: string };
  redis?: { url: string; source: string };
  upstash?: { port: number };
  children: RunChild[];
}

export async function readRunFile(paths: StackPaths): Promise<RunInfo | undefined> {
  try {
    return JSON.parse(await fs.readFile(paths.runFile, 'utf8')) as RunInfo;
  } catch {
    return undefined;
  }
}

/** True when the run file's owner is this very process still running (PID and start time match). */
export function ownerAlive(info: RunInfo): boolean {
  if (!isAlive(info.pid)) return false;
  if (info.startTime === undefined) return true;
  return processStartTime(info.pid) === info.startTime;
}

function sameProcess(child: RunChild): boolean {
  if (!isAlive(child.pid)) return false;
  return child.startTime === undefined || processStartTime(child.pid) === child.startTime;
}

/**
 * Stops what a dead run left behind: its recorded process groups (wrangler/workerd,
 * vite, redis-server) and a postmaster still running on this data folder.
 * Returns a description of what was stopped.
 */
export async function cleanupLeftovers(paths: StackPaths, info: RunInfo | undefined): Promise<string[]> {
  const stopped: string[] = [];
  for (const child of info?.children ?? []) {
    if (child.pgid !== undefined && (sameProcess(child) || groupMembers(child.pgid).length > 0)) {
      // the leader may be gone while the group (e.g. workerd) lives on
      if (child.pid === child.pgid && !sameProcess(child) && isAlive(child.pid)) continue; // PID reused
      await stopGroup(child.pgid, { signal: 'SIGTERM', timeoutMs: 5000 });
      stopped.push(`${child.name} (process group ${child.pgid})`);
    } else if (child.pgid === undefined && sameProcess(child) && child.name !== 'postgres') {
      process.kill(child.pid, 'SIGTERM');
      stopped.push(`${child.name} (pid ${child.pid})`);
    }
  }
  if (existsSync(paths.postgresDir)) {
    const pg = await stopStalePostgres(paths.postgresDir);
    if (pg !== undefined) stopped.push(`postgres (pid ${pg})`);
  }
  return stopped;
}

export class AlreadyRunningError extends Error {
  constructor(readonly info: RunInfo) {
    super(
      `Alforis is already running from this data folder (pid ${info.pid}${info.url ? `, ${info.url}` : ''}). ` +
        'Stop it first (Ctrl-C in its terminal), or use another folder with ALFORIS_DATA_DIR.',
    );
  }
}

export interface RunLock {
  info: RunInfo;
  /** Rewrites the run file (atomically) after changing `info`. */
  save(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Claims the data folder for this process. Refuses when another live run owns it;
 * when the previous owner is dead, first stops its leftovers.
 */
export async function acquireRunLock(
  paths: StackPaths,
  onCleanup?: (what: string[]) => void,
): Promise<RunLock> {
  await fs.mkdir(paths.dataDir, { recursive: true });
  const info: RunInfo = {
    pid: process.pid,
    startTime: processStartTime(process.pid),
    startedAt: new Date().toISOString(),
    children: [],
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(paths.runFile, `${JSON.stringify(info, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt === 2) throw err;
    }
    const previous = await readRunFile(paths);
    if (previous && ownerAlive(previous)) throw new AlreadyRunningError(previous);
    const stale = `${paths.runFile}.stale-${process.pid}`;
    try {
      await fs.rename(paths.runFile, stale); // only one concurrent starter wins this
    } catch {
      continue;
    }
    const stopped = await cleanupLeftovers(paths, previous);
    if (stopped.length > 0) onCleanup?.(stopped);
    await fs.rm(stale, { force: true });
  }
  const save = async () => {
    const tmp = `${paths.runFile}.${process.pid}.tmp`;
    await fs.writeFile(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
    await fs.rename(tmp, paths.runFile);
  };
  let released = false;
  return {
    info,
    save,
    async release() {
      if (released) return;
      released = true;
      const current = await readRunFile(paths);
      if (current?.pid === process.pid) await fs.rm(paths.runFile, { force: true });
    },
  };
}
