/**
 * Standard Webhooks signatures: `v1` (HMAC-SHA256 with the `whsec_` secret)
 * and `v1a` (Ed25519), over `${webhook-id}.${webhook-timestamp}.${body}`.
 */

const SECRET_PREFIX = 'whsec_';
const PUBLIC_KEY_PREFIX = 'whpk_';

function toBase64(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = '';
  for (const byte of view) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** A new HMAC secret: `whsec_` + base64 of 32 random bytes. */
export function generateSecret(): string {
  return `${SECRET_PREFIX}${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/** A new Ed25519 key pair: the private key stays with us (PKCS#8), the `whpk_` public key goes to the partner. */
export async function generateSigningKeyPair(): Promise<{ privateKey: string; publicKey: string }> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const [privateKey, publicKey] = await Promise.all([
    crypto.subtle.exportKey('pkcs8', pair.privateKey) as Promise<ArrayBuffer>,
    crypto.subtle.exportKey('raw', pair.publicKey) as Promise<ArrayBuffer>,
  ]);
  return { privateKey: toBase64(privateKey), publicKey: `${PUBLIC_KEY_PREFIX}${toBase64(publicKey)}` };
}

export function signedContent(messageId: string, timestamp: number, body: string): string {
  return `${messageId}.${timestamp}.${body}`;
}

async function hmacSignature(secret: string, content: string): Promise<string> {
  const raw = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = await crypto.subtle.importKey(
    'raw',
    fromBase64(raw),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return `v1,${toBase64(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(content)))}`;
}

async function ed25519Signature(privateKeyPkcs8: string, content: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'pkcs8',
    fromBase64(privateKeyPkcs8),
    { name: 'Ed25519' },
    false,
    ['sign'],
  );
  return `v1a,${toBase64(await crypto.subtle.sign('Ed25519', key, new TextEncoder().encode(content)))}`;
}

export interface SigningKeys {
  /** Current secret first, then a rotated one still inside its grace period. */
  secrets: string[];
  privateKey: string | null;
}

/** The `webhook-signature` header value: every signature, space-separated. */
export async function signatureHeader(
  keys: SigningKeys,
  messageId: string,
  timestamp: number,
  body: string,
): Promise<string> {
  const content = signedContent(messageId, timestamp, body);
  const signatures = await Promise.all([
    ...keys.secrets.map((secret) => hmacSignature(secret, content)),
    ...(keys.privateKey ? [ed25519Signature(keys.privateKey, content)] : []),
  ]);
  return signatures.join(' ');
}

/** Verifies a `v1a` signature with a `whpk_` public key (what a partner does with plain WebCrypto). */
export async function verifyEd25519(
  publicKey: string,
  messageId: string,
  timestamp: number,
  body: string,
  header: string,
): Promise<boolean> {
  const raw = publicKey.startsWith(PUBLIC_KEY_PREFIX) ? publicKey.slice(PUBLIC_KEY_PREFIX.length) : publicKey;
  const key = await crypto.subtle.importKey('raw', fromBase64(raw), { name: 'Ed25519' }, false, ['verify']);
  const content = new TextEncoder().encode(signedContent(messageId, timestamp, body));
  for (const entry of header.split(' ')) {
    const [version, signature] = entry.split(',');
    if (version !== 'v1a' || !signature) continue;
    if (await crypto.subtle.verify('Ed25519', key, fromBase64(signature), content)) return true;
  }
  return false;
}
