/** Session tokens and personal API tokens: random, prefixed by kind, stored only as SHA-256. */

export const SESSION_TOKEN_PREFIX = 'als_';
export const API_TOKEN_PREFIX = 'alt_';

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function newToken(prefix: typeof SESSION_TOKEN_PREFIX | typeof API_TOKEN_PREFIX): string {
  return `${prefix}${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

const TOKEN_SHAPE = /^(als|alt)_[A-Za-z0-9_-]{43}$/;

export function tokenKind(token: string): 'session' | 'api' | null {
  if (!TOKEN_SHAPE.test(token)) return null;
  return token.startsWith(SESSION_TOKEN_PREFIX) ? 'session' : 'api';
}
