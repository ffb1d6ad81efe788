import type { Locale } from './i18n';

/**
 * Numbers, amounts and days for the CRM pages. Like `formatDate`, everything
 * is computed in the CRM's time zone (Europe/Paris) so the server render and
 * the browser agree whatever the visitor's zone.
 */

export const TIME_ZONE = 'Europe/Paris';

function tag(locale: Locale): string {
  return locale === 'en' ? 'en-GB' : 'fr-FR';
}

/** `1250000000.00 EUR` → "1,3 Md €" (compact, for cards and tables). */
export function formatAmount(
  locale: Locale,
  amount: string | number | null | undefined,
  currency: string | null | undefined,
  options: { compact?: boolean } = {},
): string {
  if (amount === null || amount === undefined || amount === '') return '';
  const value = Number(amount);
  if (!Number.isFinite(value)) return '';
  const compact = options.compact ?? true;
  try {
    return new Intl.NumberFormat(tag(locale), {
      style: 'currency',
      currency: currency || 'EUR',
      ...(compact
        ? { notation: 'compact', maximumFractionDigits: 1 }
        : { maximumFractionDigits: value % 1 === 0 ? 0 : 2 }),
    }).format(value);
  } catch {
    // An unknown currency code: the number and the code as they are.
    return `${new Intl.NumberFormat(tag(locale)).format(value)} ${currency ?? ''}`.trim();
  }
}

export function formatNumber(locale: Locale, value: number): string {
  return new Intl.NumberFormat(tag(locale)).format(value);
}

/** A calendar day (`2026-03-31`), shown without any time-zone shift. */
export function formatDay(locale: Locale, day: string | null | undefined): string {
  if (!day) return '';
  const date = new Date(`${day.slice(0, 10)}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(tag(locale), { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/** Today in Paris, as `YYYY-MM-DD`. */
export function todayInParis(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** `YYYY-MM-DD` plus `days` (negative to go back). */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function parisParts(date: Date): Record<string, number> {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: TIME_ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(date);
  const result: Record<string, number> = {};
  for (const part of parts) if (part.type !== 'literal') result[part.type] = Number(part.value);
  return result;
}

/** Paris's offset from UTC at `date`, in milliseconds (+1 h or +2 h). */
function parisOffset(date: Date): number {
  const p = parisParts(date);
  const asUtc = Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}

/**
 * A `datetime-local` value (`2026-03-12T14:30`), read as Paris time, to an
 * ISO instant with its offset (`2026-03-12T14:30:00+01:00`); null if invalid.
 */
export function parisLocalToIso(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const wall = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s || 0);
  if (Number.isNaN(wall)) return null;
  // The offset at the guessed instant, re-checked once around DST changes.
  let offset = parisOffset(new Date(wall));
  offset = parisOffset(new Date(wall - offset));
  const minutes = Math.round(offset / 60_000);
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${y}-${pad(mo ?? 1)}-${pad(d ?? 1)}T${pad(h ?? 0)}:${pad(mi ?? 0)}:${pad(s || 0)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An instant as a Paris `datetime-local` value (`2026-03-12T14:30`), for form defaults. */
export function isoToParisLocal(iso: string | Date): string {
  const p = parisParts(typeof iso === 'string' ? new Date(iso) : iso);
  const pad = (n: number | undefined) => String(n ?? 0).padStart(2, '0');
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** Initials for an avatar-like badge ("Claire Martin" → "CM"). */
export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase() ?? '')
    .join('');
}
