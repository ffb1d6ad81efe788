import { afterEach, beforeEach, expect, vi } from 'vitest';

/**
 * An unexpected `console.error` fails the test: error logs mean a 5xx or a
 * dead message. Tests that provoke one on purpose call `expectErrorLogs()`.
 */
let errorLogs: unknown[][] = [];
let errorLogsExpected = false;

beforeEach(() => {
  errorLogs = [];
  errorLogsExpected = false;
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    errorLogs.push(args);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  if (!errorLogsExpected) {
    expect(
      errorLogs.map((args) => args.map(String).join(' ')),
      'unexpected console.error',
    ).toEqual([]);
  }
});

/** Declares that this test provokes error logs; returns them for assertions. */
export function expectErrorLogs(): unknown[][] {
  errorLogsExpected = true;
  return errorLogs;
}
