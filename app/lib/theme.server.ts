import { z } from 'zod';
import { THEMES, type Theme } from './theme';

export const THEME_COOKIE = 'theme';
const ONE_YEAR_SECONDS = 60 * 60 * 24 * 365;

export const themeSchema = z.enum(THEMES);

/** The theme form: the theme, and where a no-JS submission returns to. */
export const themeFormSchema = z.object({
  theme: themeSchema,
  redirectTo: z.string().max(2_048).optional(),
});

/** The theme cookie's value, or null when it is missing or invalid. */
export function readThemeCookie(request: Request): Theme | null {
  const header = request.headers.get('Cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== THEME_COOKIE) continue;
    const parsed = themeSchema.safeParse(part.slice(eq + 1).trim());
    if (parsed.success) return parsed.data;
  }
  return null;
}

/** Reads the theme cookie; anything missing or invalid means `system`. */
export function getTheme(request: Request): Theme {
  return readThemeCookie(request) ?? 'system';
}

/** `Set-Cookie` value for a theme choice: one year, whole site, SameSite=Lax. */
export function serializeThemeCookie(theme: Theme, request: Request): string {
  const attributes = [
    `${THEME_COOKIE}=${theme}`,
    'Path=/',
    `Max-Age=${ONE_YEAR_SECONDS}`,
    'SameSite=Lax',
    'HttpOnly',
  ];
  if (new URL(request.url).protocol === 'https:') attributes.push('Secure');
  return attributes.join('; ');
}
