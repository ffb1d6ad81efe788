// `npm start`: the whole app on embedded local services, offline (scripts/local/stack.ts).
// `npm run dev`: the same, with Vite HMR for the Remix UI in front of wrangler.
//
// Flags: --dev, --no-build (use the existing build/), --no-cron.
// Env: PORT (default 8787), ALFORIS_DATA_DIR (default .data/), REDIS_URL.
// Ctrl-C / SIGTERM / SIGHUP, or the parent process dying, stop everything it started.
import { readFileSync, rmSync } from 'node:fs';
import { describeError } from './local/cli';
import { installShutdown } from './local/lifecycle';
import type { RunInfo } from './local/runfile';
import { stackPaths } from './local/runfile';
import { type Stack, StackError, startStack } from './local/stack';

const args = new Set(process.argv.slice(2));
const known = new Set(['--dev', '--no-build', '--no-cron', '--help']);
for (const arg of args) {
  if (!known.has(arg)) {
    console.error(`unknown option ${arg} (known: ${[...known].join(', ')})`);
    process.exit(2);
  }
}
if (args.has('--help')) {
  console.log(
    'npm start [-- --no-build] [-- --no-cron]   |   npm run dev\nEnv: PORT, ALFORIS_DATA_DIR, REDIS_URL',
  );
  process.exit(0);
}

// If whoever reads our output goes away (EPIPE), keep stopping cleanly rather than crash.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});
const log = (line: string) => console.log(line);
const paths = stackPaths();

/** Last resort (second Ctrl-C, stuck stop): SIGKILL every process group the run file lists. */
function forceKill() {
  let info: RunInfo | undefined;
  try {
    info = JSON.parse(readFileSync(paths.runFile, 'utf8')) as RunInfo;
  } catch {
    return;
  }
  if (info.pid !== process.pid) return;
  for (const child of info.children) {
    try {
      if (child.pgid !== undefined) process.kill(-child.pgid, 'SIGKILL');
      else process.kill(child.pid, 'SIGQUIT'); // postgres: immediate shutdown, frees shared memory
    } catch {
      // already gone
    }
  }
  rmSync(paths.runFile, { force: true });
}

const hooks = installShutdown({ log, force: forceKill });
const starting = startStack({
  dev: args.has('--dev'),
  build: !args.has('--no-build'),
  cron: !args.has('--no-cron'),
  signal: hooks.signal,
  log,
});
hooks.onShutdown(async () => {
  const stack = await starting.catch(() => undefined);
  await stack?.stop();
  log('Stopped.');
});

let stack: Stack;
try {
  stack = await starting;
} catch (err) {
  if (hooks.signal.aborted) {
    await hooks.shutdown('interrupted during start-up', 0);
  }
  console.error(`\n✖ npm start failed: ${err instanceof StackError ? err.message : describeError(err)}`);
  if (process.env.DEBUG && err instanceof Error) console.error(err.stack);
  await hooks.shutdown('start-up failed', 1);
  throw err; // unreachable: shutdown exits
}

const t = stack.timings;
const secs = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
log('');
log(`Alforis CRM ready: ${stack.url}`);
log(`  API docs      ${stack.workerUrl}/api/docs`);
log(`  Health        ${stack.workerUrl}/healthz  ·  ${stack.workerUrl}/readyz`);
log(`  Webhooks      ${stack.webhookReceiverUrl} (local receiver: deliveries and their signature checks)`);
if (stack.viteUrl) log(`  Worker        ${stack.workerUrl} (Vite HMR in front of it)`);
log(`  Postgres      ${new URL(stack.databaseUrl).host} (data in ${paths.postgresDir})`);
log(
  stack.redis
    ? `  Redis cache   ${stack.redis.url} (${stack.redis.source}) via ${stack.upstash?.url}`
    : '  Redis cache   OFF (no Redis found)',
);
log(
  `  Cron          ${stack.crons.length ? stack.crons.map((c) => `"${c}"`).join(', ') : 'off'} (UTC, fired locally)`,
);
if (stack.demoLogins.length > 0) {
  log('  Demo logins   (local data only)');
  for (const l of stack.demoLogins)
    log(`                ${l.role.padEnd(8)} ${l.email.padEnd(28)} ${l.password}`);
} else {
  log('  Demo logins   none yet (the identity tables are not migrated)');
}
log(
  `  Started in    ${secs(t.total)} (services ${secs(t.services)}, migrations ${secs(t.migrate)}, ` +
    `build ${secs(t.build)}, wrangler ${secs(t.wrangler)}${t.vite !== undefined ? `, vite ${secs(t.vite)}` : ''})`,
);
log('Press Ctrl-C to stop.');

const reason = await stack.died;
log(`\n✖ ${reason}: stopping everything.`);
await hooks.shutdown(reason, 1);
