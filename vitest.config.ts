import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

/**
 * Three projects, run one group after the other (`sequence.groupOrder`):
 *  - workers: the worker inside workerd against real Postgres (embedded) and
 *    Redis (through our Upstash REST endpoint), started by the global setup;
 *  - node: Node-side checks of the local stack and of the test runner itself;
 *  - browser: the real `npm start` driven by Debian chromium.
 */
/** Set only by test/node/exit-code.test.ts: swaps the suite for one test that must fail. */
const deliberateFailure = process.env.ALFORIS_DELIBERATE_FAILURE === '1';

export default defineConfig({
  test: {
    reporters: deliberateFailure
      ? ['default']
      : ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                ENVIRONMENT: 'test',
                LOG_LEVEL: 'warn',
                DATABASE_URL: inject('DATABASE_URL'),
                NEON_WS_PROXY: inject('NEON_WS_PROXY'),
                UPSTASH_REDIS_REST_URL: inject('UPSTASH_REDIS_REST_URL'),
                UPSTASH_REDIS_REST_TOKEN: inject('UPSTASH_REDIS_REST_TOKEN'),
              },
            },
          })),
        ],
        ssr: {
          optimizeDeps: { include: ['@remix-run/cloudflare', '@remix-run/server-runtime'] },
        },
        test: {
          name: 'workers',
          include: deliberateFailure
            ? ['test/fixtures/deliberate-failure.test.ts']
            : ['test/workers/**/*.test.ts'],
          sequence: { groupOrder: 0 },
          globalSetup: ['./test/setup/global-setup.ts'],
          setupFiles: ['./test/workers/setup.ts'],
          testTimeout: 20_000,
          hookTimeout: 60_000,
          deps: {
            optimizer: {
              ssr: { enabled: true, include: ['@remix-run/cloudflare', '@remix-run/server-runtime'] },
            },
          },
        },
      },
      {
        test: {
          name: 'node',
          environment: 'node',
          sequence: { groupOrder: 1 },
          include: ['test/node/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          sequence: { groupOrder: 2 },
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
