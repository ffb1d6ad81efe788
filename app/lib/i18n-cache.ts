import { type Locale, useLocale, type Vars } from './i18n';

/** Strings of the Admin cache page (settings → Cache), French first, English for `en`. */
const fr = {
  'cache.tab': 'Cache',
  'cache.title': 'Cache des réponses',
  'cache.lead':
    'Les lectures fréquentes (listes, fiches, tableau de bord, suggestions) sont servies depuis Redis. Si Redis tombe, tout est servi depuis la base.',
  'cache.status.ok': 'Opérationnel',
  'cache.status.degraded': 'Dégradé : Redis ne répond pas, les réponses viennent de la base',
  'cache.status.disabled': 'Désactivé : aucun Redis configuré',
  'cache.hitRate': 'Taux de succès',
  'cache.lookups': 'Lectures',
  'cache.avgLoad': 'Chargement moyen',
  'cache.none': 'Aucune lecture comptée depuis la dernière remise à zéro.',
  'cache.prefixes': 'Préfixes les plus lus',
  'cache.col.prefix': 'Préfixe',
  'cache.col.hits': 'Succès',
  'cache.col.misses': 'Échecs',
  'cache.col.hitRate': 'Taux',
  'cache.col.errors': 'Erreurs',
  'cache.col.avgLoad': 'Chargement moyen',
  'cache.ms': '{value} ms',
  'cache.ttl':
    'Durées de vie : fiches {detail} s, listes {list} s, tableau de bord {dashboard} s, suggestions {autocomplete} s.',
  'cache.flush.title': 'Vider par étiquette',
  'cache.flush.lead':
    'Invalide toutes les réponses qui dépendent de l’étiquette ; elles seront rechargées depuis la base à la prochaine lecture.',
  'cache.flush.tag': 'Étiquette',
  'cache.flush.custom': 'Autre étiquette',
  'cache.flush.customHint':
    'Par exemple rec:organisation:<id> ou list:task:team:<id>. Laisser vide pour utiliser la liste.',
  'cache.flush.submit': 'Vider',
  'cache.flush.invalid':
    'Étiquette inconnue : all, type:<entité>, rec:<entité>:<id> ou list:<entité>:<portée>.',
  'cache.flush.confirmTitle': 'Vider le cache ?',
  'cache.flush.confirm': 'Les prochaines lectures concernées iront en base, un peu plus lentement.',
  'cache.flush.done': 'Étiquette « {tag} » vidée.',
  'cache.reset': 'Remettre les compteurs à zéro',
  'cache.reset.done': 'Compteurs remis à zéro.',
  'cache.tag.all': 'Tout le cache',
  'cache.tag.organisation': 'Organisations',
  'cache.tag.person': 'Personnes',
  'cache.tag.mandate': 'Mandats',
  'cache.tag.interaction': 'Interactions',
  'cache.tag.task': 'Tâches',
  'cache.tag.pipeline': 'Pipeline (étapes)',
} as const;

export type CacheKey = keyof typeof fr;

const en: Record<CacheKey, string> = {
  'cache.tab': 'Cache',
  'cache.title': 'Response cache',
  'cache.lead':
    'Frequent reads (lists, records, dashboard, suggestions) are served from Redis. If Redis fails, everything is served from the database.',
  'cache.status.ok': 'Working',
  'cache.status.degraded': 'Degraded: Redis is not answering, responses come from the database',
  'cache.status.disabled': 'Disabled: no Redis configured',
  'cache.hitRate': 'Hit rate',
  'cache.lookups': 'Lookups',
  'cache.avgLoad': 'Average load',
  'cache.none': 'No lookups counted since the last reset.',
  'cache.prefixes': 'Busiest prefixes',
  'cache.col.prefix': 'Prefix',
  'cache.col.hits': 'Hits',
  'cache.col.misses': 'Misses',
  'cache.col.hitRate': 'Rate',
  'cache.col.errors': 'Errors',
  'cache.col.avgLoad': 'Average load',
  'cache.ms': '{value} ms',
  'cache.ttl':
    'Lifetimes: records {detail} s, lists {list} s, dashboard {dashboard} s, suggestions {autocomplete} s.',
  'cache.flush.title': 'Flush by tag',
  'cache.flush.lead':
    'Invalidates every response that depends on the tag; the next read reloads it from the database.',
  'cache.flush.tag': 'Tag',
  'cache.flush.custom': 'Other tag',
  'cache.flush.customHint':
    'For example rec:organisation:<id> or list:task:team:<id>. Leave empty to use the list.',
  'cache.flush.submit': 'Flush',
  'cache.flush.invalid': 'Unknown tag: all, type:<entity>, rec:<entity>:<id> or list:<entity>:<scope>.',
  'cache.flush.confirmTitle': 'Flush the cache?',
  'cache.flush.confirm': 'The next matching reads go to the database, a little slower.',
  'cache.flush.done': 'Tag “{tag}” flushed.',
  'cache.reset': 'Reset the counters',
  'cache.reset.done': 'Counters reset.',
  'cache.tag.all': 'The whole cache',
  'cache.tag.organisation': 'Organisations',
  'cache.tag.person': 'People',
  'cache.tag.mandate': 'Mandates',
  'cache.tag.interaction': 'Interactions',
  'cache.tag.task': 'Tasks',
  'cache.tag.pipeline': 'Pipeline (stages)',
};

export type CacheTranslate = (key: CacheKey, vars?: Vars) => string;

export function cacheTranslator(locale: Locale): CacheTranslate {
  const dictionary: Record<CacheKey, string> = locale === 'en' ? en : fr;
  return (key, vars) => {
    const message = dictionary[key] ?? fr[key] ?? key;
    if (!vars) return message;
    return message.replace(/\{(\w+)\}/g, (match, name: string) =>
      vars[name] === undefined ? match : String(vars[name]),
    );
  };
}

export function useCacheT(): CacheTranslate {
  return cacheTranslator(useLocale());
}
