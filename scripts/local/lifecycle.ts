// Shutdown plumbing for long-running CLIs (npm start, bench): signals, the parent
// dying, and a forced exit if a clean stop hangs.
import { readlinkSync } from 'node:fs';
import path from 'node:path';
import { isAlive, parentPid, processStartTime } from './proc';

/**
 * The launcher chain above us: our parent and its ancestors as long as they are Node
 * processes (tsx, npm, a test runner). `npm start` is npm -> tsx -> node; signals do
 * not always travel down that chain (npm runs `sh -c`, a SIGKILL is never relayed),
 * so we watch it and stop when any of it is gone.
 */
export function launcherChain(): { pid: number; startTime?: number }[] {
  const chain: { pid: number; startTime?: number }[] = [];
  let pid = process.ppid;
  for (let depth = 0; depth < 8 && pid > 1; depth++) {
    chain.push({ pid, startTime: processStartTime(pid) });
    const next = parentPid(pid);
    if (next === undefined || next <= 1) break;
    let exe = '';
    try {
      exe = path.basename(readlinkSync(`/proc/${next}/exe`));
    } catch {
      break;
    }
    if (!/^node(js)?(\d+)?$/.test(exe)) break;
    pid = next;
  }
  return chain;
}

/** Calls onGone once when our parent changes or a process of the launcher chain exits. */
export function watchParents(onGone: (why: string) => void, intervalMs = 1000): () => void {
  const initialParent = process.ppid;
  const chain = launcherChain();
  const timer = setInterval(() => {
    if (process.ppid !== initialParent) {
      clearInterval(timer);
      onGone(`parent process ${initialParent} exited`);
      return;
    }
    for (const p of chain) {
      if (!isAlive(p.pid) || (p.startTime !== undefined && processStartTime(p.pid) !== p.startTime)) {
        clearInterval(timer);
        onGone(`launcher process ${p.pid} exited`);
        return;
      }
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

export interface ShutdownHooks {
  /** Aborted on the first signal / parent death (use it to interrupt a start-up). */
  signal: AbortSignal;
  /** Registers the clean stop; runs once. */
  onShutdown(stop: () => Promise<void>): void;
  /** Stops (once) and exits with `code`. */
  shutdown(reason: string, code: number): Promise<never>;
}

/**
 * SIGINT / SIGTERM / SIGHUP and the parent dying all run the registered stop once and
 * exit. A second signal, or a stop taking longer than forceAfterMs, runs `force`
 * (kill whatever is known, synchronously) and exits 1.
 */
export function installShutdown(opts: {
  log: (line: string) => void;
  force?: () => void;
  forceAfterMs?: number;
}): ShutdownHooks {
  const controller = new AbortController();
  let stopFn: (() => Promise<void>) | undefined;
  let shuttingDown: Promise<never> | undefined;

  const forceExit = (why: string) => {
    opts.log(`${why}: killing what is left.`);
    try {
      opts.force?.();
    } finally {
      process.exit(1);
    }
  };

  const shutdown = (reason: string, code: number): Promise<never> => {
    if (shuttingDown) return shuttingDown;
    controller.abort(new Error(reason));
    shuttingDown = (async () => {
      const timer = setTimeout(() => forceExit('clean stop took too long'), opts.forceAfterMs ?? 40_000);
      try {
        await stopFn?.();
      } catch (err) {
        opts.log(`error while stopping: ${err instanceof Error ? err.message : String(err)}`);
        code = code || 1;
      } finally {
        clearTimeout(timer);
      }
      process.exit(code);
    })();
    return shuttingDown;
  };

  let firstSignalAt = 0;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (shuttingDown) {
        // Ctrl-C reaches us twice within milliseconds (from the terminal, and relayed
        // by tsx/npm): only a signal sent noticeably later means "force".
        if (Date.now() - firstSignalAt > 1000) forceExit(`second ${sig}`);
        return;
      }
      firstSignalAt = Date.now();
      opts.log(`\n${sig} received: stopping...`);
      void shutdown(sig, 0);
    });
  }
  watchParents((why) => {
    opts.log(`${why}: stopping...`);
    void shutdown('parent gone', 1);
  });
  process.on('uncaughtException', (err) => {
    opts.log(`uncaught exception: ${err.stack ?? err.message}`);
    void shutdown('uncaught exception', 1);
  });
  process.on('unhandledRejection', (err) => {
    opts.log(`unhandled rejection: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void shutdown('unhandled rejection', 1);
  });

  return {
    signal: controller.signal,
    onShutdown(stop) {
      stopFn = stop;
    },
    shutdown,
  };
}
