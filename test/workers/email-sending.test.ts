import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CRONS } from '../../worker/cron/scheduled';
import { emailCampaigns, emailEvents, emailSends, emailSuppressions } from '../../worker/db/schema';
import worker from '../../worker/index';
import {
  deliver,
  emailEnv,
  failNextSends,
  pump,
  type RecordingQueue,
  recordingQueue,
  sinkMessages,
  sinkUrl,
} from './support/email';
import { callWorker, createTestDatabase, testDbHandle } from './support/helpers';
import {
  createIdentityFixture,
  type FixtureUserKey,
  type IdentityFixture,
  jsonBody,
} from './support/identity-fixture';
import { createRecordAs } from './support/records';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fx: IdentityFixture;
let queue: RecordingQueue;
let bindings: Partial<Env>;

beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createIdentityFixture(database.url);
});
afterAll(async () => {
  await database.drop();
});
beforeEach(async () => {
  queue = recordingQueue();
  bindings = emailEnv(database.url, queue);
  await fetch(`${sinkUrl()}/__messages`, { method: 'DELETE' });
});

function as(who: FixtureUserKey, path: string, init: RequestInit = {}, overrides: Partial<Env> = bindings) {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${fx.users[who].token}`);
  return callWorker(path, { ...init, headers }, overrides);
}

async function withDb<T>(work: (db: ReturnType<typeof testDbHandle>['db']) => Promise<T>): Promise<T> {
  const handle = testDbHandle(database.url);
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

async function created<T>(response: Response): Promise<T> {
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as T;
}

/** A tag, people carrying it (some not mailable), a template, a segment and a draft campaign. */
async function campaignFixture(options: { eligible?: number; abTest?: Record<string, unknown> } = {}) {
  const tag = `c${crypto.randomUUID().slice(0, 8)}`;
  const eligible: { id: string; email: string }[] = [];
  for (let index = 0; index < (options.eligible ?? 3); index++) {
    const email = `${tag}-${index}@investor.example`;
    const id = await createRecordAs(fx, 'admin', 'people', {
      firstName: `Prénom${index}`,
      lastName: 'Durand',
      workEmail: email,
      consentStatus: 'granted',
      tags: [tag],
    });
    eligible.push({ id, email });
  }
  const refusing = `${tag}-denied@investor.example`;
  await createRecordAs(fx, 'admin', 'people', {
    firstName: 'Non',
    lastName: 'Consenti',
    workEmail: refusing,
    consentStatus: 'denied',
    tags: [tag],
  });
  const template = await created<{ id: string }>(
    await as(
      'manager',
      '/api/v1/email/templates',
      jsonBody('POST', {
        name: `T ${tag}`,
        subject: 'unused',
        blocks: [
          { id: 'h', type: 'heading', text: 'Bonjour {{person.first_name|}}', level: 1, align: 'left' },
          {
            id: 'b',
            type: 'button',
            label: 'Lire',
            url: 'https://www.alforis.fr/lettre?x=1&y=2',
            align: 'center',
            color: '#1f4e79',
          },
        ],
      }),
    ),
  );
  const segment = await created<{ id: string }>(
    await as(
      'manager',
      '/api/v1/email/segments',
      jsonBody('POST', { name: `S ${tag}`, filters: { tags: [tag] } }),
    ),
  );
  const variants = options.abTest
    ? [
        { label: 'A', subject: 'Sujet A {{person.first_name}}', templateId: template.id, splitPercent: 50 },
        { label: 'B', subject: 'Sujet B {{person.first_name}}', templateId: template.id, splitPercent: 50 },
      ]
    : [{ label: 'A', subject: 'Lettre pour {{person.first_name}}', templateId: template.id }];
  const campaign = await created<{ id: string; variants: { id: string; label: string }[] }>(
    await as(
      'manager',
      '/api/v1/email/campaigns',
      jsonBody('POST', { name: `C ${tag}`, segmentId: segment.id, variants, abTest: options.abTest ?? null }),
    ),
  );
  return { tag, eligible, refusing, template, segment, campaign };
}

async function sendNow(campaignId: string) {
  const response = await as('manager', `/api/v1/email/campaigns/${campaignId}/send`, { method: 'POST' });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as { status: string };
}

const sendsOf = (campaignId: string) =>
  withDb((db) => db.select().from(emailSends).where(eq(emailSends.campaignId, campaignId)));

describe('sending a campaign', () => {
  it('sends each eligible recipient one personalised email through the SendGrid protocol, with RFC 8058 headers', async () => {
    const { campaign, eligible, refusing } = await campaignFixture();
    expect((await sendNow(campaign.id)).status).toBe('sending');
    await pump(queue, bindings);

    const messages = await sinkMessages();
    expect(messages.map((message) => message.to[0]).sort()).toEqual(
      eligible.map((person) => person.email).sort(),
    );
    expect(messages.some((message) => message.to.includes(refusing))).toBe(false);
    const first = messages.find((message) => message.to[0] === eligible[0]?.email);
    expect(first?.subject).toBe('Lettre pour Prénom0');
    expect(first?.headers['List-Unsubscribe']).toMatch(/^<http:\/\/crm\.test\/t\/u\/[\w-]+\.[\w-]+>$/);
    expect(first?.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(first?.html).toContain('Bonjour Prénom0');
    expect(first?.html).toMatch(/<img src="http:\/\/crm\.test\/t\/o\/[\w-]+\.[\w-]+"/);
    expect(first?.html).toMatch(/href="http:\/\/crm\.test\/t\/c\/[\w-]+\.[\w-]+"/);
    expect(first?.html).not.toContain('https://www.alforis.fr/lettre');
    expect(first?.text).toContain('Lire : https://www.alforis.fr/lettre?x=1&y=2');
    expect(first?.text).not.toContain('{{');

    const sends = await sendsOf(campaign.id);
    expect(sends.map((send) => send.status)).toEqual(['sent', 'sent', 'sent']);
    expect(first?.customArgs.send_id).toBe(sends.find((send) => send.email === eligible[0]?.email)?.id);

    // The every-minute cron marks the campaign sent once nothing is left.
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: CRONS.everyMinute, scheduledTime: Date.now() }),
      { ...env, ...bindings },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const [row] = await withDb((db) =>
      db.select().from(emailCampaigns).where(eq(emailCampaigns.id, campaign.id)),
    );
    expect(row?.status).toBe('sent');
  });

  it('never sends twice: redelivered and concurrent duplicate messages, and a crashed consumer’s lease', async () => {
    const { campaign } = await campaignFixture({ eligible: 4 });
    await sendNow(campaign.id);
    await deliver(
      'email-sends',
      queue.take().map((entry) => entry.body),
      bindings,
    ); // campaign_start
    const sendMessages = queue.take().map((entry) => entry.body);
    expect(sendMessages).toHaveLength(1);
    // The same message delivered twice at once, then once more later.
    await Promise.all([
      deliver('email-sends', sendMessages, bindings),
      deliver('email-sends', sendMessages, bindings),
    ]);
    await deliver('email-sends', sendMessages, bindings, 2);
    await pump(queue, bindings); // whatever was deferred because another delivery held it
    expect(await sinkMessages()).toHaveLength(4);

    // A consumer died after claiming a send: once its lease is over, a redelivery sends it, once.
    const sends = await sendsOf(campaign.id);
    const target = sends[0];
    if (!target) throw new Error('no send');
    await withDb((db) =>
      db
        .update(emailSends)
        .set({ status: 'sending', leasedUntil: new Date(Date.now() - 1_000), sentAt: null })
        .where(eq(emailSends.id, target.id)),
    );
    await fetch(`${sinkUrl()}/__messages`, { method: 'DELETE' });
    await deliver('email-sends', sendMessages, bindings, 3);
    const resent = await sinkMessages();
    expect(resent.map((message) => message.customArgs.send_id)).toEqual([target.id]);
  });

  it('retries transient provider failures without resending what went out', async () => {
    const { campaign } = await campaignFixture({ eligible: 3 });
    await sendNow(campaign.id);
    await deliver(
      'email-sends',
      queue.take().map((entry) => entry.body),
      bindings,
    );
    const sendMessages = queue.take().map((entry) => entry.body);
    await failNextSends(1, 503);
    const first = await deliver('email-sends', sendMessages, bindings);
    expect(first.retried).toBe(1);
    expect((await sendsOf(campaign.id)).filter((send) => send.status === 'sent')).toHaveLength(2);
    const second = await deliver('email-sends', sendMessages, bindings, 2);
    expect(second.retried).toBe(0);
    const messages = await sinkMessages();
    expect(new Set(messages.map((message) => message.customArgs.send_id)).size).toBe(3);
    expect(messages).toHaveLength(3);
  });

  it('throttles to the configured rate: the rest is deferred, not failed', async () => {
    const { campaign } = await campaignFixture({ eligible: 3 });
    const throttled = emailEnv(database.url, queue, { EMAIL_RATE_PER_MINUTE: '2' });
    await withDb((db) => db.update(emailSends).set({ sentAt: new Date(Date.now() - 3_600_000) }));
    await sendNow(campaign.id);
    await deliver(
      'email-sends',
      queue.take().map((entry) => entry.body),
      throttled,
    );
    await deliver(
      'email-sends',
      queue.take().map((entry) => entry.body),
      throttled,
    );
    expect(await sinkMessages()).toHaveLength(2);
    const deferred = queue.take();
    expect(deferred).toHaveLength(1);
    expect(deferred[0]?.delaySeconds).toBe(60);
    expect((deferred[0]?.body as { sendIds: string[] } | undefined)?.sendIds).toHaveLength(1);
  });

  it('skips a recipient who withdrew consent after the campaign started', async () => {
    const { campaign, eligible } = await campaignFixture({ eligible: 2 });
    await sendNow(campaign.id);
    await deliver(
      'email-sends',
      queue.take().map((entry) => entry.body),
      bindings,
    );
    const { people } = await import('../../worker/db/schema');
    await withDb((db) =>
      db
        .update(people)
        .set({ consentStatus: 'withdrawn' })
        .where(eq(people.id, eligible[0]?.id ?? '')),
    );
    await pump(queue, bindings);
    expect((await sinkMessages()).map((message) => message.to[0])).toEqual([eligible[1]?.email]);
    const statuses = (await sendsOf(campaign.id)).map((send) => send.status).sort();
    expect(statuses).toEqual(['sent', 'skipped']);
  });
});

describe('unsubscribe (RFC 8058) and tracking', () => {
  async function sentCampaign() {
    const fixture = await campaignFixture({ eligible: 1 });
    await sendNow(fixture.campaign.id);
    await pump(queue, bindings);
    const [message] = await sinkMessages();
    if (!message) throw new Error('nothing sent');
    return { ...fixture, message };
  }

  it('one-click POST unsubscribes at once, with no login and no confirmation; GET only shows the preference page', async () => {
    const { message, segment } = await sentCampaign();
    const url = message.headers['List-Unsubscribe']?.slice(1, -1) ?? '';
    const path = new URL(url).pathname;
    const page = await callWorker(path, {}, bindings);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Me désabonner');
    const email = message.to[0] ?? '';
    const suppressed = () =>
      withDb((db) => db.select().from(emailSuppressions).where(eq(emailSuppressions.email, email)));
    expect(await suppressed()).toEqual([]);

    const oneClick = await callWorker(
      path,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      },
      bindings,
    );
    expect(oneClick.status).toBe(200);
    expect((await suppressed())[0]?.reason).toBe('unsubscribe');
    const count = await as('manager', `/api/v1/email/segments/${segment.id}/count`);
    expect(
      ((await count.json()) as { count: number; excluded: { suppressed: number } }).excluded.suppressed,
    ).toBe(1);

    // The preference page lets them subscribe again.
    const again = await callWorker(
      path,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'action=resubscribe',
      },
      bindings,
    );
    expect(await again.text()).toContain('Me désabonner');
    expect(await suppressed()).toEqual([]);
  });

  it('tampered or wrong-kind tokens are 404s; a click redirects only to the signed destination', async () => {
    const { message } = await sentCampaign();
    const html = message.html ?? '';
    const click = /href="http:\/\/crm\.test(\/t\/c\/[^"]+)"/.exec(html)?.[1] ?? '';
    const open = /src="http:\/\/crm\.test(\/t\/o\/[^"]+)"/.exec(html)?.[1] ?? '';
    const unsubscribe = new URL(message.headers['List-Unsubscribe']?.slice(1, -1) ?? '').pathname;
    await withDb((db) =>
      db
        .update(emailSends)
        .set({ sentAt: new Date(Date.now() - 60_000) })
        .where(eq(emailSends.id, message.customArgs.send_id ?? '')),
    );

    const redirect = await callWorker(
      click,
      { headers: { 'User-Agent': 'Mozilla/5.0 (Macintosh) Firefox/130.0' } },
      bindings,
    );
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('Location')).toBe('https://www.alforis.fr/lettre?x=1&y=2');
    const pixel = await callWorker(
      open,
      { headers: { 'User-Agent': 'Mozilla/5.0 (Windows NT 10.0) Chrome/130 Safari/537' } },
      bindings,
    );
    expect(pixel.status).toBe(200);
    expect(pixel.headers.get('Content-Type')).toBe('image/gif');
    const scanner = await callWorker(open, { headers: { 'User-Agent': 'Mozilla/5.0' } }, bindings);
    expect(scanner.status).toBe(200);

    const events = await withDb((db) =>
      db
        .select()
        .from(emailEvents)
        .where(eq(emailEvents.sendId, message.customArgs.send_id ?? '')),
    );
    expect(events.map((event) => `${event.type}:${event.machine}`).sort()).toEqual([
      'click:false',
      'open:false',
      'open:true',
    ]);

    const [payload, signature] = click.slice('/t/c/'.length).split('.');
    const forged = JSON.stringify(['c', message.customArgs.send_id, 'https://evil.example/']);
    const forgedPayload = btoa(forged).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
    for (const path of [
      `/t/c/${forgedPayload}.${signature}`,
      `/t/c/${payload}.${signature}x`,
      `/t/c/${open.slice('/t/o/'.length)}`,
      `/t/o/${payload}.${signature}`,
      `${unsubscribe}x`,
      '/t/c/not-a-token',
    ]) {
      const response = await callWorker(path, {}, bindings);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('Location')).toBeNull();
    }
  });
});

describe('SendGrid event webhook', () => {
  function toBase64(bytes: Uint8Array): string {
    return btoa(String.fromCharCode(...bytes));
  }

  /** WebCrypto signs P-256 as r‖s; SendGrid sends ASN.1 DER. */
  function rawToDer(raw: Uint8Array): Uint8Array {
    const integer = (bytes: Uint8Array) => {
      let start = 0;
      while (start < bytes.length - 1 && bytes[start] === 0) start++;
      let value = bytes.slice(start);
      if ((value[0] ?? 0) & 0x80) value = Uint8Array.from([0, ...value]);
      return Uint8Array.from([0x02, value.length, ...value]);
    };
    const r = integer(raw.slice(0, 32));
    const s = integer(raw.slice(32));
    return Uint8Array.from([0x30, r.length + s.length, ...r, ...s]);
  }

  async function keyPair() {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const spki = new Uint8Array((await crypto.subtle.exportKey('spki', pair.publicKey)) as ArrayBuffer);
    return { privateKey: pair.privateKey, publicKey: toBase64(spki) };
  }

  async function signed(privateKey: CryptoKey, body: string, timestamp: string) {
    const raw = new Uint8Array(
      await crypto.subtle.sign(
        { name: 'ECDSA', hash: 'SHA-256' },
        privateKey,
        new TextEncoder().encode(timestamp + body),
      ),
    );
    return toBase64(rawToDer(raw));
  }

  it('verifies the ECDSA signature, stores events once by sg_event_id, and suppresses bounces', async () => {
    const { privateKey, publicKey } = await keyPair();
    const hooked = { ...bindings, ...({ SENDGRID_WEBHOOK_PUBLIC_KEY: publicKey } as Partial<Env>) };
    const { campaign } = await campaignFixture({ eligible: 1 });
    await sendNow(campaign.id);
    await pump(queue, hooked);
    const [send] = await sendsOf(campaign.id);
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify([
      {
        email: send?.email,
        timestamp: now,
        event: 'delivered',
        sg_event_id: `d-${send?.id}`,
        send_id: send?.id,
      },
      {
        email: send?.email,
        timestamp: now,
        event: 'bounce',
        sg_event_id: `b-${send?.id}`,
        send_id: send?.id,
        type: 'bounce',
      },
      {
        email: 'stranger@else.example',
        timestamp: now,
        event: 'open',
        sg_event_id: `o-${send?.id}`,
        sg_machine_open: true,
      },
    ]);
    const post = async (payload: string, timestamp: string, signature?: string) =>
      callWorker(
        '/hooks/sendgrid',
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
            'X-Twilio-Email-Event-Webhook-Signature':
              signature ?? (await signed(privateKey, payload, timestamp)),
          },
          body: payload,
        },
        hooked,
      );
    const first = await post(body, String(now));
    expect(first.status, await first.clone().text()).toBe(200);
    expect(await first.json()).toEqual({ received: 3, stored: 3 });
    const again = await post(body, String(now));
    expect(await again.json()).toEqual({ received: 3, stored: 0 });

    const suppression = await withDb((db) =>
      db
        .select()
        .from(emailSuppressions)
        .where(eq(emailSuppressions.email, send?.email ?? '')),
    );
    expect(suppression[0]?.reason).toBe('bounce');
    const machine = await withDb((db) =>
      db
        .select()
        .from(emailEvents)
        .where(and(eq(emailEvents.type, 'open'), inArray(emailEvents.eventKey, [`sg:o-${send?.id}`]))),
    );
    expect(machine[0]?.machine).toBe(true);

    const signature = await signed(privateKey, body, String(now));
    const tampered = await post(body.replace('delivered', 'deferred'), String(now), signature);
    expect(tampered.status).toBe(401);
    const stale = String(now - 3_600);
    expect((await post(body, stale)).status).toBe(401);
    expect((await post(body, String(now), 'not-a-signature')).status).toBe(401);
    const other = await keyPair();
    expect((await post(body, String(now), await signed(other.privateKey, body, String(now)))).status).toBe(
      401,
    );
  });
});
