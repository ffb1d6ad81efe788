/**
 * Returns `to` if it is a same-origin path (`/x?y#z`), else `fallback`.
 * Rejects absolute URLs, protocol-relative `//host` and `/\host` (which
 * browsers treat as `//host`), and control characters.
 */
export function safeRedirect(to: unknown, fallback = '/'): string {
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) {
    return fallback;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting them is the point.
  if (/[\u0000-\u001f\u007f]/.test(to)) return fallback;
  const base = 'http://same-origin.invalid';
  const url = new URL(to, base);
  if (url.origin !== base) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
