/** Colour themes a user can pick; `system` follows `prefers-color-scheme`. */
export const THEMES = ['light', 'dark', 'system'] as const;
export type Theme = (typeof THEMES)[number];

/** Fetcher key shared by the switch and the document, for optimistic updates. */
export const THEME_FETCHER_KEY = 'theme-switch';

export function isTheme(value: unknown): value is Theme {
  return typeof value === 'string' && (THEMES as readonly string[]).includes(value);
}

/**
 * The `data-theme` value for `<html>`: set for an explicit choice, absent for
 * `system` so that the `prefers-color-scheme` media query decides.
 */
export function themeAttribute(theme: Theme): 'light' | 'dark' | undefined {
  return theme === 'system' ? undefined : theme;
}
