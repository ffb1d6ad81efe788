/**
 * Signed tracking and unsubscribe tokens: `base64url(payload).base64url(hmac)`.
 * A token that does not verify is treated exactly like an unknown path (404),
 * and a click token carries its destination, so the redirect is never open.
 */

export type TokenKind = 'open' | 'click' | 'unsubscribe';

export interface TrackingToken {
  kind: TokenKind;
  sendId: string;
  /** Click destination (http/https only). */
  url?: string;
}

const encoder = new TextEncoder();

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(value: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(value)) return null;
  try {
    const binary = atob(value.replaceAll('-', '+').replaceAll('_', '/'));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      encoder.encode(`email-tracking:${secret}`),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    keys.set(secret, key);
  }
  return key;
}

const KIND_CODES: Record<TokenKind, string> = { open: 'o', click: 'c', unsubscribe: 'u' };

export async function signToken(secret: string, token: TrackingToken): Promise<string> {
  const payload = encoder.encode(
    JSON.stringify(
      token.url ? [KIND_CODES[token.kind], token.sendId, token.url] : [KIND_CODES[token.kind], token.sendId],
    ),
  );
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', await keyFor(secret), payload));
  return `${toBase64Url(payload)}.${toBase64Url(signature)}`;
}

/** The token's content if its signature holds and it is of the expected kind; otherwise null. */
export async function verifyToken(
  secret: string,
  raw: string,
  kind: TokenKind,
): Promise<TrackingToken | null> {
  const [payloadPart, signaturePart, extra] = raw.split('.');
  if (!payloadPart || !signaturePart || extra !== undefined || raw.length > 4_000) return null;
  const payload = fromBase64Url(payloadPart);
  const signature = fromBase64Url(signaturePart);
  if (!payload || !signature) return null;
  // crypto.subtle.verify compares in constant time.
  const valid = await crypto.subtle.verify('HMAC', await keyFor(secret), signature, payload);
  if (!valid) return null;
  try {
    const [code, sendId, url] = JSON.parse(new TextDecoder().decode(payload)) as [
      string,
      string,
      string | undefined,
    ];
    if (code !== KIND_CODES[kind] || typeof sendId !== 'string') return null;
    if (kind === 'click' && (typeof url !== 'string' || !/^https?:\/\//i.test(url))) return null;
    return { kind, sendId, url };
  } catch {
    return null;
  }
}
