import type { MetaDescriptor } from '@remix-run/cloudflare';
import { type MessageKey, toLocale, translator, type Vars } from './i18n';

interface MatchLike {
  id: string;
  data?: unknown;
}

/** The locale the root loader chose, for `meta` functions (which cannot use hooks). */
export function localeFromMatches(matches: readonly MatchLike[]) {
  const root = matches.find((match) => match.id === 'root')?.data;
  return toLocale(root && typeof root === 'object' && 'locale' in root ? root.locale : undefined);
}

/** `<title>` for a page: "Label · Alforis CRM", in the viewer's language. */
export function pageTitle(matches: readonly MatchLike[], key: MessageKey, vars?: Vars): MetaDescriptor[] {
  const t = translator(localeFromMatches(matches));
  return [{ title: `${t(key, vars)} · ${t('app.name')}` }];
}
