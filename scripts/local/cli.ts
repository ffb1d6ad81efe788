import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when the module with this import.meta.url is the script being run (tsx file.ts). */
export function isMain(metaUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(fileURLToPath(metaUrl)) === realpathSync(path.resolve(entry));
  } catch {
    return false;
  }
}

/** Runs a CLI main(): prints the error message (not a stack for expected errors) and sets the exit code. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => {
      process.exitCode ??= 0;
    },
    (err: unknown) => {
      console.error(`\n✖ ${describeError(err)}`);
      if (process.env.DEBUG && err instanceof Error) console.error(err.stack);
      process.exitCode = 1;
    },
  );
}

/** A readable message for Errors and for the ErrorEvent objects the Neon driver can reject with. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object') {
    const e = err as { message?: unknown; error?: unknown; type?: unknown };
    if (typeof e.message === 'string' && e.message) return e.message;
    if (e.error instanceof Error) return e.error.message;
    if (typeof e.type === 'string') return `${e.type} event`;
  }
  return String(err);
}
