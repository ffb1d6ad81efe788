/**
 * The session cookie: HttpOnly, SameSite=Lax, Secure (with the `__Host-`
 * prefix) everywhere but plain-http localhost, where browsers refuse both.
 */
export const SESSION_COOKIE = 'alforis_session';
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

function isSecure(url: URL): boolean {
  return url.protocol === 'https:';
}

export function readSessionCookie(request: Request): string | null {
  const header = request.headers.get('Cookie');
  if (!header) return null;
  const cookies = new Map<string, string>();
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0) cookies.set(part.slice(0, index).trim(), part.slice(index + 1).trim());
  }
  return cookies.get(SECURE_SESSION_COOKIE) ?? cookies.get(SESSION_COOKIE) ?? null;
}

export function sessionCookie(requestUrl: string, token: string, expiresAt: Date): string {
  const url = new URL(requestUrl);
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  const name = isSecure(url) ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
  return `${name}=${token}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${isSecure(url) ? '; Secure' : ''}`;
}

export function clearedSessionCookie(requestUrl: string): string {
  const url = new URL(requestUrl);
  const name = isSecure(url) ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
  return `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${isSecure(url) ? '; Secure' : ''}`;
}
