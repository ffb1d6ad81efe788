// For CLI scripts (db:migrate, db:seed) run without DATABASE_URL: use the database of
// a running `npm start` on the same data folder, or start the embedded Postgres and
// the proxy just for the duration of the command.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startNeonProxy } from './neon-proxy';
import { startPostgres } from './postgres';
import { acquireRunLock, ownerAlive, readRunFile, stackPaths } from './runfile';

export interface DatabaseTarget {
  databaseUrl: string;
  wsProxy?: string;
}

export async function withLocalDatabase<T>(
  fn: (target: DatabaseTarget) => Promise<T>,
  opts: { dataDir?: string; log?: (line: string) => void } = {},
): Promise<T> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const paths = stackPaths(opts.dataDir);
  const running = await readRunFile(paths);
  if (running && ownerAlive(running) && running.postgres && running.proxy) {
    const password = (await readFile(path.join(paths.postgresDir, 'password'), 'utf8')).trim();
    const databaseUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${running.postgres.port}/${running.postgres.database}`;
    log(`using the database of the running stack (pid ${running.pid})`);
    return fn({ databaseUrl, wsProxy: running.proxy.wsProxy });
  }

  const lock = await acquireRunLock(paths, (stopped) =>
    log(`stopped leftovers of a previous run: ${stopped.join(', ')}`),
  );
  try {
    const [pg, proxy] = await Promise.allSettled([
      startPostgres({ dataDir: paths.postgresDir }),
      startNeonProxy(),
    ]);
    try {
      if (pg.status === 'rejected') throw pg.reason;
      if (proxy.status === 'rejected') throw proxy.reason;
      lock.info.children.push({ name: 'postgres', pid: pg.value.pid });
      await lock.save();
      log(
        `local Postgres started from ${path.relative(process.cwd(), paths.postgresDir) || '.'} for this command`,
      );
      return await fn({ databaseUrl: pg.value.url, wsProxy: proxy.value.wsProxy });
    } finally {
      if (proxy.status === 'fulfilled') await proxy.value.stop();
      if (pg.status === 'fulfilled') await pg.value.stop();
    }
  } finally {
    await lock.release();
  }
}

/** DATABASE_URL (+ NEON_WS_PROXY) from the environment, if set. */
export function databaseFromEnv(): DatabaseTarget | undefined {
  const databaseUrl = process.env.DATABASE_URL?.trim();
  if (!databaseUrl) return undefined;
  const wsProxy = process.env.NEON_WS_PROXY?.trim() || undefined;
  return { databaseUrl, wsProxy };
}
