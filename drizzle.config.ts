// drizzle-kit: `npm run db:generate` writes SQL migrations from the schema into
// migrations/; `npm run db:migrate` (scripts/migrate.ts) applies them.
// DATABASE_URL is only needed by commands that connect (push, pull, studio).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './worker/db/schema/index.ts',
  out: './migrations',
  dbCredentials: { url: process.env.DATABASE_URL ?? '' },
  strict: true,
  verbose: true,
});
