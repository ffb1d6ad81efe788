import { inArray } from 'drizzle-orm';
import { emailSends, emailSuppressions } from '../../db/schema';
import { createRouter } from '../../lib/context';
import { AppError } from '../../lib/errors';
import { readEmailConfig } from './email.config';
import { isMachineHit, resubscribeSend, storeEvents, unsubscribeSend } from './email.events';
import { verifyToken } from './email.tokens';
import { escapeHtml } from './email.variables';
import {
  eventsFromSendgrid,
  SIGNATURE_HEADER,
  sendgridPayload,
  TIMESTAMP_HEADER,
  verifySendgridSignature,
} from './email.webhook';

/**
 * Endpoints recipients' mail clients and the provider reach, without a login:
 * `/t/o/{token}` open pixel, `/t/c/{token}` click redirect, `/t/u/{token}`
 * unsubscribe (GET preference page, POST one-click per RFC 8058) and
 * `/hooks/sendgrid` (signed event webhook). A token that does not verify is a 404.
 */
export const emailPublicRoutes = createRouter();

const PIXEL = Uint8Array.from(atob('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'), (char) =>
  char.charCodeAt(0),
);
const NO_STORE = 'no-store, no-cache, must-revalidate, private';
const notFound = () => new AppError('NOT_FOUND', { detail: 'No such page' });
const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

async function sentAtOf(
  db: Parameters<typeof storeEvents>[0],
  sendId: string,
): Promise<Date | null | undefined> {
  const [row] = await db
    .select({ sentAt: emailSends.sentAt })
    .from(emailSends)
    .where(inArray(emailSends.id, [sendId]));
  return row ? row.sentAt : undefined;
}

emailPublicRoutes.get('/t/o/:token', async (c) => {
  const config = readEmailConfig(c.env);
  const token = await verifyToken(config.trackingSecret, c.req.param('token').replace(/\.gif$/, ''), 'open');
  if (!token) throw notFound();
  const userAgent = c.req.header('User-Agent') ?? null;
  const db = c.var.dbHandle.db;
  // Recorded after the response: the pixel never waits on Postgres.
  c.var.dbHandle.track(
    (async () => {
      const sentAt = await sentAtOf(db, token.sendId);
      if (sentAt === undefined) return;
      await storeEvents(db, [
        {
          eventKey: `t:${crypto.randomUUID()}`,
          sendId: token.sendId,
          type: 'open',
          email: null,
          machine: isMachineHit(userAgent, sentAt),
          payload: { userAgent },
        },
      ]);
    })().catch((error: unknown) => c.var.log.warn('email.track.open_failed', { error: String(error) })),
  );
  return c.body(PIXEL, 200, { 'Content-Type': 'image/gif', 'Cache-Control': NO_STORE });
});

emailPublicRoutes.get('/t/c/:token', async (c) => {
  const config = readEmailConfig(c.env);
  const token = await verifyToken(config.trackingSecret, c.req.param('token'), 'click');
  if (!token?.url) throw notFound();
  const userAgent = c.req.header('User-Agent') ?? null;
  const db = c.var.dbHandle.db;
  const url = token.url;
  c.var.dbHandle.track(
    (async () => {
      const sentAt = await sentAtOf(db, token.sendId);
      if (sentAt === undefined) return;
      await storeEvents(db, [
        {
          eventKey: `t:${crypto.randomUUID()}`,
          sendId: token.sendId,
          type: 'click',
          email: null,
          url,
          machine: isMachineHit(userAgent, sentAt),
          payload: { userAgent },
        },
      ]);
    })().catch((error: unknown) => c.var.log.warn('email.track.click_failed', { error: String(error) })),
  );
  return c.redirect(url, 302);
});

const PAGE_TEXT = {
  fr: {
    title: 'Vos préférences e-mail',
    subscribed: 'Vous recevez nos e-mails d’information à l’adresse {email}.',
    unsubscribed: 'L’adresse {email} est désabonnée : vous ne recevrez plus nos e-mails d’information.',
    unsubscribe: 'Me désabonner',
    resubscribe: 'Me réabonner',
  },
  en: {
    title: 'Your email preferences',
    subscribed: 'You receive our newsletters at {email}.',
    unsubscribed: '{email} is unsubscribed: you will no longer receive our newsletters.',
    unsubscribe: 'Unsubscribe',
    resubscribe: 'Subscribe again',
  },
};

function preferencePage(locale: 'fr' | 'en', email: string, unsubscribed: boolean): string {
  const words = PAGE_TEXT[locale];
  const sentence = (unsubscribed ? words.unsubscribed : words.subscribed).replace(
    '{email}',
    escapeHtml(email),
  );
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${words.title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;color:#1f2937}button{font:inherit;padding:.6rem 1.1rem;border-radius:4px;border:1px solid #1f4e79;background:#1f4e79;color:#fff;cursor:pointer}button:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}</style></head>
<body><main><h1>${words.title}</h1><p role="status">${sentence}</p>
<form method="post"><input type="hidden" name="action" value="${unsubscribed ? 'resubscribe' : 'unsubscribe'}">
<button type="submit">${unsubscribed ? words.resubscribe : words.unsubscribe}</button></form></main></body></html>`;
}

function localeOf(header: string | undefined): 'fr' | 'en' {
  return header && /^en\b/i.test(header.trim()) ? 'en' : 'fr';
}

async function unsubscribeState(db: Parameters<typeof storeEvents>[0], sendId: string) {
  const [send] = await db
    .select({ email: emailSends.email })
    .from(emailSends)
    .where(inArray(emailSends.id, [sendId]));
  if (!send) return null;
  const suppressed = await db
    .select({ email: emailSuppressions.email })
    .from(emailSuppressions)
    .where(inArray(emailSuppressions.email, [send.email.toLowerCase()]));
  return { email: send.email, unsubscribed: suppressed.length > 0 };
}

emailPublicRoutes.get('/t/u/:token', async (c) => {
  const config = readEmailConfig(c.env);
  const token = await verifyToken(config.trackingSecret, c.req.param('token'), 'unsubscribe');
  if (!token) throw notFound();
  // GET never changes anything: link scanners follow links.
  const state = await unsubscribeState(c.var.dbHandle.db, token.sendId);
  if (!state) throw notFound();
  c.header('Cache-Control', NO_STORE);
  return c.html(preferencePage(localeOf(c.req.header('Accept-Language')), state.email, state.unsubscribed));
});

emailPublicRoutes.post('/t/u/:token', async (c) => {
  const config = readEmailConfig(c.env);
  const token = await verifyToken(config.trackingSecret, c.req.param('token'), 'unsubscribe');
  if (!token) throw notFound();
  const db = c.var.dbHandle.db;
  const form = await c.req.text().then((body) => new URLSearchParams(body.slice(0, 2_000)));
  const resubscribe = form.get('action') === 'resubscribe';
  const done = resubscribe
    ? await resubscribeSend(db, token.sendId)
    : await unsubscribeSend(db, token.sendId, 'one-click');
  if (!done) throw notFound();
  c.header('Cache-Control', NO_STORE);
  if (form.get('List-Unsubscribe') === 'One-Click' || !form.has('action')) {
    // RFC 8058: the mail client's POST; no page, no confirmation.
    return c.text('Unsubscribed', 200);
  }
  const state = await unsubscribeState(db, token.sendId);
  return c.html(
    preferencePage(
      localeOf(c.req.header('Accept-Language')),
      state?.email ?? '',
      state?.unsubscribed ?? !resubscribe,
    ),
  );
});

emailPublicRoutes.post('/hooks/sendgrid', async (c) => {
  const config = readEmailConfig(c.env);
  if (!config.webhookPublicKey) {
    throw new AppError('MISCONFIGURED', { detail: 'SENDGRID_WEBHOOK_PUBLIC_KEY is not configured' });
  }
  const declared = Number(c.req.header('Content-Length') ?? 0);
  if (declared > MAX_WEBHOOK_BYTES)
    throw new AppError('PAYLOAD_TOO_LARGE', { detail: 'Webhook body too large' });
  const rawBody = await c.req.text();
  if (rawBody.length > MAX_WEBHOOK_BYTES)
    throw new AppError('PAYLOAD_TOO_LARGE', { detail: 'Webhook body too large' });
  const check = await verifySendgridSignature({
    publicKey: config.webhookPublicKey,
    signature: c.req.header(SIGNATURE_HEADER) ?? null,
    timestamp: c.req.header(TIMESTAMP_HEADER) ?? null,
    rawBody,
    toleranceSeconds: config.webhookToleranceSeconds,
  });
  if (check !== 'valid') {
    c.var.log.warn('email.webhook.rejected', { check });
    throw new AppError('UNAUTHENTICATED', { detail: `Webhook signature ${check}` });
  }
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new AppError('MALFORMED_JSON', { detail: 'The body is not JSON' });
  }
  const parsed = sendgridPayload.safeParse(json);
  if (!parsed.success) throw new AppError('BAD_REQUEST', { detail: 'Not a SendGrid event array' });
  const events = eventsFromSendgrid(parsed.data);
  const db = c.var.dbHandle.db;
  const sendIds = [...new Set(events.map((event) => event.sendId).filter((id): id is string => id !== null))];
  const known = new Set(
    sendIds.length > 0
      ? (await db.select({ id: emailSends.id }).from(emailSends).where(inArray(emailSends.id, sendIds))).map(
          (row) => row.id,
        )
      : [],
  );
  const stored = await storeEvents(
    db,
    events.map((event) => ({
      ...event,
      sendId: event.sendId && known.has(event.sendId) ? event.sendId : null,
    })),
  );
  return c.json({ received: events.length, stored }, 200);
});
