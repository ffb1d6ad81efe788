import { type Locale, useLocale, type Vars } from './i18n';

/**
 * The search bar's and results page's dictionary, built like the CRM one
 * (app/lib/i18n-crm.ts): French first, English for actors whose locale is
 * `en`; `{name}` placeholders.
 */
const fr = {
  'search.open': 'Rechercher',
  'search.shortcut': 'Ctrl K',
  'search.shortcutMac': '⌘ K',
  'search.dialog': 'Recherche globale',
  'search.input': 'Rechercher une organisation, une personne, un mandat',
  'search.placeholder': 'Nom, ville, e-mail, n° de mandat…',
  'search.hint': '↑ ↓ pour choisir, Entrée pour ouvrir, Échap pour fermer',
  'search.loading': 'Recherche…',
  'search.noSuggestion': 'Aucun nom ne correspond à « {q} ».',
  'search.tooShort': 'Saisissez au moins 2 caractères.',
  'search.failed': 'Les suggestions sont indisponibles. Entrée lance la recherche complète.',
  'search.suggestions': '{count} suggestion(s)',
  'search.allResults': 'Tous les résultats pour « {q} »',
  'search.recent': 'Recherches récentes',
  'search.clearRecent': 'Effacer l’historique',
  'search.fuzzy': 'orthographe proche',
  'search.didYouMean': 'Vouliez-vous dire',

  'search.page.title': 'Recherche',
  'search.page.titleFor': '« {q} » · Recherche',
  'search.page.lead': 'Organisations, personnes, mandats et interactions que vous pouvez consulter.',
  'search.page.field': 'Rechercher',
  'search.page.submit': 'Rechercher',
  'search.page.syntax':
    'Astuces : "expression exacte", mot1 or mot2, -mot pour exclure. Accents et majuscules sont ignorés.',
  'search.page.prompt': 'Saisissez un nom, une ville, un e-mail ou des mots de vos notes.',
  'search.page.tooLong': 'La recherche est limitée à {max} caractères.',
  'search.page.none': 'Aucun résultat pour « {q} ».',
  'search.page.noneHint': 'Vérifiez l’orthographe, retirez un mot ou un filtre.',
  'search.page.tabs': 'Types de résultats',
  'search.page.all': 'Tout',
  'search.page.count': '{count}',
  'search.page.countMany': '1000+',
  'search.page.seeAll': 'Voir les {count} résultats',
  'search.page.seeAllMany': 'Voir plus de 1000 résultats',
  'search.page.results': 'Résultats',
  'search.page.fuzzyNote': 'Aucune correspondance exacte : résultats d’orthographe proche.',
  'search.page.anyType': 'Tous les types',
  'search.page.anyStatus': 'Tous les statuts',
  'search.page.anyCategory': 'Toutes les catégories',
  'search.page.anyLanguage': 'Toutes les langues',
  'search.page.filterType': 'Type',
  'search.page.filterStatus': 'Statut',
  'search.page.filterCategory': 'Catégorie',
  'search.page.filterCity': 'Ville',
  'search.page.filterLanguage': 'Langue',
  'search.page.filterMine': 'Seulement les miens',
  'search.page.interactionOn': '{type} du {date}',

  'search.type.organisations': 'Organisations',
  'search.type.people': 'Personnes',
  'search.type.mandates': 'Mandats',
  'search.type.interactions': 'Interactions',
};

export type SearchMessageKey = keyof typeof fr;

const en: Record<SearchMessageKey, string> = {
  'search.open': 'Search',
  'search.shortcut': 'Ctrl K',
  'search.shortcutMac': '⌘ K',
  'search.dialog': 'Global search',
  'search.input': 'Search organisations, people, mandates',
  'search.placeholder': 'Name, city, email, mandate number…',
  'search.hint': '↑ ↓ to choose, Enter to open, Esc to close',
  'search.loading': 'Searching…',
  'search.noSuggestion': 'No name matches “{q}”.',
  'search.tooShort': 'Type at least 2 characters.',
  'search.failed': 'Suggestions are unavailable. Press Enter for the full search.',
  'search.suggestions': '{count} suggestion(s)',
  'search.allResults': 'All results for “{q}”',
  'search.recent': 'Recent searches',
  'search.clearRecent': 'Clear history',
  'search.fuzzy': 'similar spelling',
  'search.didYouMean': 'Did you mean',

  'search.page.title': 'Search',
  'search.page.titleFor': '“{q}” · Search',
  'search.page.lead': 'Organisations, people, mandates and interactions you may read.',
  'search.page.field': 'Search',
  'search.page.submit': 'Search',
  'search.page.syntax':
    'Tips: "exact phrase", word1 or word2, -word to exclude. Accents and case are ignored.',
  'search.page.prompt': 'Type a name, a city, an email or words from your notes.',
  'search.page.tooLong': 'Searches are limited to {max} characters.',
  'search.page.none': 'No results for “{q}”.',
  'search.page.noneHint': 'Check the spelling, remove a word or a filter.',
  'search.page.tabs': 'Result types',
  'search.page.all': 'All',
  'search.page.count': '{count}',
  'search.page.countMany': '1000+',
  'search.page.seeAll': 'See all {count} results',
  'search.page.seeAllMany': 'See more than 1000 results',
  'search.page.results': 'Results',
  'search.page.fuzzyNote': 'No exact match: results with a similar spelling.',
  'search.page.anyType': 'All types',
  'search.page.anyStatus': 'All statuses',
  'search.page.anyCategory': 'All categories',
  'search.page.anyLanguage': 'All languages',
  'search.page.filterType': 'Type',
  'search.page.filterStatus': 'Status',
  'search.page.filterCategory': 'Category',
  'search.page.filterCity': 'City',
  'search.page.filterLanguage': 'Language',
  'search.page.filterMine': 'Only mine',
  'search.page.interactionOn': '{type} on {date}',

  'search.type.organisations': 'Organisations',
  'search.type.people': 'People',
  'search.type.mandates': 'Mandates',
  'search.type.interactions': 'Interactions',
};

const DICTIONARIES: Record<Locale, Record<SearchMessageKey, string>> = { fr, en };

export type SearchTranslate = (key: SearchMessageKey, vars?: Vars) => string;

export function searchTranslator(locale: Locale): SearchTranslate {
  const dictionary = DICTIONARIES[locale];
  return (key, vars) => {
    const message = dictionary[key] ?? fr[key] ?? key;
    if (!vars) return message;
    return message.replace(/\{(\w+)\}/g, (match, name: string) =>
      vars[name] === undefined ? match : String(vars[name]),
    );
  };
}

/** The search dictionary in the viewer's language (the shell's LocaleProvider decides). */
export function useSearchT(): SearchTranslate {
  return searchTranslator(useLocale());
}
