// The receiver `npm start` runs: it verifies each delivery with the keys of the
// endpoint it was sent to, read from the local database (so secret rotations
// made in Settings → Webhooks verify too, without copying secrets anywhere).
import { createPool } from './db';
import { type PathKeys, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

export async function startLocalWebhookReceiver(opts: {
  databaseUrl: string;
  wsProxy: string;
}): Promise<WebhookReceiver> {
  const pool = createPool({ databaseUrl: opts.databaseUrl, wsProxy: opts.wsProxy, max: 2 });
  const receiver = await startWebhookReceiver({
    keep: 2_000,
    async keysFor(url): Promise<PathKeys | null> {
      const { rows } = await pool.query<{
        secret: string;
        previous_secret: string | null;
        previous_secret_expires_at: Date | null;
        signing_public_key: string | null;
      }>(
        `select secret, previous_secret, previous_secret_expires_at, signing_public_key
           from webhook_endpoints where url = $1 order by created_at desc limit 1`,
        [url],
      );
      const row = rows[0];
      if (!row) return null;
      const secrets = [row.secret];
      if (
        row.previous_secret &&
        row.previous_secret_expires_at &&
        row.previous_secret_expires_at > new Date()
      ) {
        secrets.push(row.previous_secret);
      }
      return { secrets, publicKey: row.signing_public_key };
    },
  });
  return {
    ...receiver,
    async stop() {
      await receiver.stop();
      await pool.end().catch(() => undefined);
    },
  };
}
