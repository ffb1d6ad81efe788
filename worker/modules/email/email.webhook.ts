import { z } from 'zod';
import type { NewEvent } from './email.events';

/**
 * SendGrid's Signed Event Webhook: ECDSA P-256 / SHA-256 over
 * `timestamp + raw body`, the signature DER-encoded in base64
 * (`X-Twilio-Email-Event-Webhook-Signature`), the timestamp in
 * `X-Twilio-Email-Event-Webhook-Timestamp`, the public key a base64 DER SPKI.
 */

export const SIGNATURE_HEADER = 'X-Twilio-Email-Event-Webhook-Signature';
export const TIMESTAMP_HEADER = 'X-Twilio-Email-Event-Webhook-Timestamp';

function base64Bytes(value: string): Uint8Array<ArrayBuffer> | null {
  try {
    const binary = atob(value.trim());
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

/** DER `SEQUENCE { INTEGER r, INTEGER s }` → the 64-byte r‖s WebCrypto verifies. */
export function derToRawSignature(der: Uint8Array): Uint8Array<ArrayBuffer> | null {
  let offset = 0;
  if (der[offset++] !== 0x30) return null;
  let length = der[offset++] ?? 0;
  if (length & 0x80) offset += length & 0x7f;
  const raw = new Uint8Array(64);
  for (let part = 0; part < 2; part++) {
    if (der[offset++] !== 0x02) return null;
    length = der[offset++] ?? 0;
    let integer = der.slice(offset, offset + length);
    offset += length;
    while (integer.length > 32 && integer[0] === 0) integer = integer.slice(1);
    if (integer.length > 32) return null;
    raw.set(integer, part * 32 + (32 - integer.length));
  }
  return raw;
}

const keyCache = new Map<string, Promise<CryptoKey>>();

function importPublicKey(base64Spki: string): Promise<CryptoKey> {
  let key = keyCache.get(base64Spki);
  if (!key) {
    const bytes = base64Bytes(base64Spki);
    if (!bytes) return Promise.reject(new Error('public key is not base64'));
    key = crypto.subtle.importKey('spki', bytes, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    key.catch(() => keyCache.delete(base64Spki));
    keyCache.set(base64Spki, key);
  }
  return key;
}

export type SignatureCheck = 'valid' | 'missing' | 'invalid' | 'stale';

export async function verifySendgridSignature(options: {
  publicKey: string;
  signature: string | null;
  timestamp: string | null;
  rawBody: string;
  toleranceSeconds: number;
  now?: number;
}): Promise<SignatureCheck> {
  if (!options.signature || !options.timestamp) return 'missing';
  const der = base64Bytes(options.signature);
  const raw = der ? derToRawSignature(der) : null;
  if (!raw) return 'invalid';
  let valid = false;
  try {
    valid = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      await importPublicKey(options.publicKey),
      raw,
      new TextEncoder().encode(options.timestamp + options.rawBody),
    );
  } catch {
    return 'invalid';
  }
  if (!valid) return 'invalid';
  const seconds = Number(options.timestamp);
  const now = (options.now ?? Date.now()) / 1000;
  if (!Number.isFinite(seconds) || Math.abs(now - seconds) > options.toleranceSeconds) return 'stale';
  return 'valid';
}

const sendgridEvent = z
  .object({
    email: z.string().optional(),
    timestamp: z.number().optional(),
    event: z.string(),
    sg_event_id: z.string().min(1),
    sg_message_id: z.string().optional(),
    url: z.string().optional(),
    useragent: z.string().optional(),
    sg_machine_open: z.boolean().optional(),
    send_id: z.string().optional(),
    reason: z.string().optional(),
    type: z.string().optional(),
  })
  .passthrough();

export const sendgridPayload = z.array(sendgridEvent).max(5_000);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SendGrid events → our events (custom arg `send_id` links each to its send). */
export function eventsFromSendgrid(payload: z.infer<typeof sendgridPayload>): NewEvent[] {
  return payload.map((event) => ({
    eventKey: `sg:${event.sg_event_id}`,
    sendId: event.send_id && UUID.test(event.send_id) ? event.send_id : null,
    type: event.event,
    email: event.email ?? null,
    url: event.url ?? null,
    machine: event.sg_machine_open === true,
    occurredAt: event.timestamp ? new Date(event.timestamp * 1000) : new Date(),
    payload: event,
  }));
}
