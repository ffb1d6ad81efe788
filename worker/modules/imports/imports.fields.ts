/**
 * What a column can be imported as, per entity: the field catalogue, the
 * French/English header synonyms behind the automatic mapping, and the cell
 * conversions (lists, French numbers, country names, value synonyms) that turn
 * a row into the same input object the API's create/update schemas validate.
 */
import { AppError, type FieldError } from '../../lib/errors';
import { normaliseLabel } from './imports.parser';

export const IMPORT_ENTITIES = ['organisations', 'people'] as const;
export type ImportEntity = (typeof IMPORT_ENTITIES)[number];

export interface FieldDefinition {
  key: string;
  label: string;
  description: string;
  /** Must be mapped: the create schema needs it. */
  required: boolean;
  /** Normalised header names (see normaliseLabel) that map to this field, best first. */
  synonyms: string[];
  /** Weaker names: used when nothing better claims the column (or to satisfy a required field). */
  alternatives?: string[];
}

const NOTES = [
  'notes',
  'note',
  'commentaire',
  'commentaires',
  'comments',
  'comment',
  'remarques',
  'remarque',
];
const TAGS = ['tags', 'tag', 'etiquettes', 'etiquette', 'labels', 'label', 'mots cles', 'keywords'];
const EXTERNAL_ID = [
  'identifiant externe',
  'id externe',
  'external id',
  'externalid',
  'reference externe',
  'external reference',
  'crm id',
  'id crm',
];
const EXTERNAL_ID_ALTERNATIVES = ['reference', 'ref', 'identifiant', 'id', 'code', 'code client'];
const EMAIL = ['email', 'e mail', 'mail', 'courriel', 'adresse email', 'adresse e mail', 'email address'];

const ORGANISATION_FIELDS: FieldDefinition[] = [
  {
    key: 'name',
    label: 'Name',
    description: 'Trading name',
    required: true,
    synonyms: [
      'nom',
      'name',
      'societe',
      'organisation',
      'organization',
      'entreprise',
      'company',
      'company name',
      'nom de la societe',
      'nom societe',
      'nom de l organisation',
      'account name',
    ],
    alternatives: ['raison sociale', 'denomination', 'denomination sociale', 'legal name'],
  },
  {
    key: 'legalName',
    label: 'Legal name',
    description: 'Registered name',
    required: false,
    synonyms: ['raison sociale', 'denomination sociale', 'denomination', 'legal name', 'nom legal'],
  },
  {
    key: 'types',
    label: 'Types',
    description:
      'investor, distributor, supplier, partner (French accepted: investisseur, distributeur…); several separated by , or ;',
    required: true,
    synonyms: ['types', 'type', 'type s', 'type de relation', 'relation', 'nature', 'relationship'],
  },
  {
    key: 'category',
    label: 'Category',
    description: 'institutional, pension_fund, insurer, bank, private_bank, family_office… (French accepted)',
    required: false,
    synonyms: [
      'categorie',
      'category',
      'segment',
      'type d investisseur',
      'investor type',
      'type investisseur',
    ],
  },
  {
    key: 'status',
    label: 'Status',
    description: 'prospect, active, dormant, closed (French accepted)',
    required: false,
    synonyms: ['statut', 'status', 'etat'],
  },
  {
    key: 'country',
    label: 'Country',
    description: 'ISO code (FR) or a common country name (France, Belgique…)',
    required: false,
    synonyms: ['pays', 'country', 'code pays', 'country code'],
  },
  {
    key: 'city',
    label: 'City',
    description: '',
    required: false,
    synonyms: ['ville', 'city', 'localite', 'commune'],
  },
  {
    key: 'address',
    label: 'Address',
    description: '',
    required: false,
    synonyms: ['adresse', 'address', 'adresse postale', 'postal address', 'rue', 'street'],
  },
  {
    key: 'website',
    label: 'Website',
    description: 'Also the matching key when there is no external id',
    required: false,
    synonyms: ['site web', 'website', 'site internet', 'site', 'web', 'url', 'domaine', 'domain'],
  },
  { key: 'email', label: 'Email', description: '', required: false, synonyms: EMAIL },
  {
    key: 'phone',
    label: 'Phone',
    description: '',
    required: false,
    synonyms: ['telephone', 'tel', 'phone', 'telephone standard', 'standard', 'phone number'],
  },
  {
    key: 'aumAmount',
    label: 'AUM',
    description: 'Assets under management; French or English number formats (1 250 000,50)',
    required: false,
    synonyms: [
      'encours',
      'aum',
      'encours sous gestion',
      'actifs sous gestion',
      'assets under management',
      'montant encours',
      'encours gere',
      'encours geres',
    ],
  },
  {
    key: 'aumCurrency',
    label: 'AUM currency',
    description: 'ISO code; EUR when an amount has none',
    required: false,
    synonyms: ['devise', 'currency', 'monnaie', 'devise encours', 'aum currency'],
  },
  { key: 'notes', label: 'Notes', description: '', required: false, synonyms: NOTES },
  {
    key: 'tags',
    label: 'Tags',
    description: 'Separated by , or ;',
    required: false,
    synonyms: TAGS,
  },
  {
    key: 'externalId',
    label: 'External ID',
    description: 'Your own identifier; the first matching key',
    required: false,
    synonyms: EXTERNAL_ID,
    alternatives: EXTERNAL_ID_ALTERNATIVES,
  },
];

const PEOPLE_FIELDS: FieldDefinition[] = [
  {
    key: 'firstName',
    label: 'First name',
    description: '',
    required: true,
    synonyms: ['prenom', 'first name', 'firstname', 'given name', 'prenom du contact'],
  },
  {
    key: 'lastName',
    label: 'Last name',
    description: '',
    required: true,
    synonyms: ['nom', 'nom de famille', 'last name', 'lastname', 'surname', 'family name', 'nom du contact'],
  },
  {
    key: 'workEmail',
    label: 'Work email',
    description: 'Also the matching key when there is no external id',
    required: false,
    synonyms: [
      ...EMAIL,
      'email professionnel',
      'email pro',
      'e mail professionnel',
      'work email',
      'business email',
    ],
  },
  {
    key: 'personalEmail',
    label: 'Personal email',
    description: '',
    required: false,
    synonyms: ['email personnel', 'email perso', 'e mail personnel', 'personal email', 'private email'],
  },
  {
    key: 'workPhone',
    label: 'Work phone',
    description: '',
    required: false,
    synonyms: [
      'telephone',
      'tel',
      'phone',
      'telephone fixe',
      'telephone professionnel',
      'telephone bureau',
      'tel fixe',
      'ligne directe',
      'work phone',
      'office phone',
      'direct line',
    ],
  },
  {
    key: 'mobilePhone',
    label: 'Mobile phone',
    description: '',
    required: false,
    synonyms: [
      'mobile',
      'portable',
      'telephone mobile',
      'telephone portable',
      'tel mobile',
      'tel portable',
      'gsm',
      'mobile phone',
      'cell phone',
      'cell',
    ],
  },
  {
    key: 'jobTitle',
    label: 'Job title',
    description: 'Also the role title of a new affiliation',
    required: false,
    synonyms: ['fonction', 'poste', 'titre', 'intitule de poste', 'job title', 'title', 'position', 'role'],
  },
  {
    key: 'language',
    label: 'Language',
    description: 'fr, en, de, it, es, nl (names accepted: français, English…)',
    required: false,
    synonyms: ['langue', 'language', 'langue preferee', 'preferred language'],
  },
  { key: 'city', label: 'City', description: '', required: false, synonyms: ['ville', 'city', 'localite'] },
  { key: 'notes', label: 'Notes', description: '', required: false, synonyms: NOTES },
  { key: 'tags', label: 'Tags', description: 'Separated by , or ;', required: false, synonyms: TAGS },
  {
    key: 'externalId',
    label: 'External ID',
    description: 'Your own identifier; the first matching key',
    required: false,
    synonyms: EXTERNAL_ID,
    alternatives: EXTERNAL_ID_ALTERNATIVES,
  },
  {
    key: 'organisation',
    label: 'Organisation',
    description:
      'Name (exact, ignoring case and accents) or website domain of an organisation in your scope; adds a current affiliation',
    required: false,
    synonyms: [
      'societe',
      'organisation',
      'organization',
      'entreprise',
      'company',
      'employeur',
      'employer',
      'compte',
      'account',
      'account name',
      'nom de la societe',
      'etablissement',
      'structure',
    ],
    alternatives: ['raison sociale', 'company name'],
  },
];

export const IMPORT_FIELDS: Record<ImportEntity, FieldDefinition[]> = {
  organisations: ORGANISATION_FIELDS,
  people: PEOPLE_FIELDS,
};

export function fieldsOf(entity: ImportEntity): FieldDefinition[] {
  return IMPORT_FIELDS[entity];
}

export type Mapping = Record<string, string | null>;

// ---------------------------------------------------------------- automatic mapping

const SCORE_EXACT = 10;
const SCORE_ALTERNATIVE = 6;
const SCORE_PREFIX = 4;

function scoreOf(header: string, field: FieldDefinition): number {
  const name = normaliseLabel(header);
  if (name === '') return 0;
  if (field.synonyms.includes(name)) return SCORE_EXACT;
  if (field.alternatives?.includes(name)) return SCORE_ALTERNATIVE;
  // "Encours (EUR)", "Email pro." → the longest synonym the header starts with.
  if ([...field.synonyms, ...(field.alternatives ?? [])].some((synonym) => name.startsWith(`${synonym} `))) {
    return SCORE_PREFIX;
  }
  return 0;
}

/**
 * Each header to at most one field and each field from at most one header:
 * best scores first (exact name, then alternative, then prefix), earlier
 * columns winning ties; then a required field left unmapped takes a column
 * that could also be it (a lone "Raison sociale" becomes the name).
 */
export function autoMapping(entity: ImportEntity, headers: readonly string[]): Mapping {
  const fields = fieldsOf(entity);
  const candidates = headers.flatMap((header, column) =>
    fields.map((field, order) => ({ header, column, field, order, score: scoreOf(header, field) })),
  );
  candidates.sort((a, b) => b.score - a.score || a.column - b.column || a.order - b.order);
  const mapping: Mapping = Object.fromEntries(headers.map((header) => [header, null]));
  const taken = new Set<string>();
  for (const candidate of candidates) {
    if (candidate.score === 0) break;
    if (mapping[candidate.header] !== null || taken.has(candidate.field.key)) continue;
    mapping[candidate.header] = candidate.field.key;
    taken.add(candidate.field.key);
  }
  for (const field of fields.filter((field) => field.required && !taken.has(field.key))) {
    const donor = candidates.find(
      (candidate) =>
        candidate.field.key === field.key &&
        candidate.score > 0 &&
        !fields.find((other) => other.key === mapping[candidate.header])?.required,
    );
    if (!donor) continue;
    const previous = mapping[donor.header];
    if (previous) taken.delete(previous);
    mapping[donor.header] = field.key;
    taken.add(field.key);
  }
  return mapping;
}

/** Required fields no column is mapped to. */
export function missingFields(entity: ImportEntity, mapping: Mapping): string[] {
  const mapped = new Set(Object.values(mapping));
  return fieldsOf(entity)
    .filter((field) => field.required && !mapped.has(field.key))
    .map((field) => field.key);
}

/** A mapping sent by the client: known headers, known fields, each field once, required ones present. */
export function assertValidMapping(
  entity: ImportEntity,
  headers: readonly string[],
  mapping: Mapping,
): Mapping {
  const fields = new Map(fieldsOf(entity).map((field) => [field.key, field]));
  const errors: FieldError[] = [];
  const usedBy = new Map<string, string>();
  for (const [header, field] of Object.entries(mapping)) {
    if (!headers.includes(header)) {
      errors.push({
        path: `mapping.${header}`,
        message: 'No such column in the file',
        code: 'unknown_header',
      });
      continue;
    }
    if (field === null) continue;
    if (!fields.has(field)) {
      errors.push({
        path: `mapping.${header}`,
        message: `Unknown field "${field}"; use one of ${[...fields.keys()].join(', ')}`,
        code: 'unknown_field',
      });
      continue;
    }
    const other = usedBy.get(field);
    if (other !== undefined) {
      errors.push({
        path: `mapping.${header}`,
        message: `"${field}" is already mapped from column "${other}"`,
        code: 'duplicate_field',
      });
      continue;
    }
    usedBy.set(field, header);
  }
  const complete: Mapping = Object.fromEntries(headers.map((header) => [header, mapping[header] ?? null]));
  if (errors.length === 0) {
    for (const key of missingFields(entity, complete)) {
      errors.push({
        path: `mapping`,
        message: `Map a column to ${fields.get(key)?.label ?? key} (${key}): it is required`,
        code: 'required_field_unmapped',
      });
    }
  }
  if (errors.length > 0) {
    throw new AppError('VALIDATION_FAILED', { detail: 'The column mapping is not valid', errors });
  }
  return complete;
}

// ---------------------------------------------------------------- cell conversions

const value = (raw: string | undefined) => (raw ?? '').trim();

/** `a, b; c` → `['a', 'b', 'c']`, without blanks or repeats. */
export function splitList(raw: string, separators = /[,;]/): string[] {
  return [
    ...new Set(
      raw
        .split(separators)
        .map((part) => part.trim())
        .filter(Boolean),
    ),
  ];
}

function synonymLookup(table: Record<string, string[]>): (raw: string) => string {
  const index = new Map<string, string>();
  for (const [canonical, names] of Object.entries(table)) {
    index.set(normaliseLabel(canonical), canonical);
    for (const name of names) index.set(normaliseLabel(name), canonical);
  }
  // Unknown values pass through unchanged, so the API schema rejects them with its own message.
  return (raw) => index.get(normaliseLabel(raw)) ?? raw;
}

const organisationType = synonymLookup({
  investor: ['investisseur', 'investisseurs', 'investors', 'inv'],
  distributor: ['distributeur', 'distributeurs', 'distributors', 'distribution'],
  supplier: ['fournisseur', 'fournisseurs', 'prestataire', 'suppliers', 'vendor'],
  partner: ['partenaire', 'partenaires', 'partners'],
});

const organisationCategory = synonymLookup({
  institutional: ['institutionnel', 'institutionnels', 'investisseur institutionnel', 'institution'],
  pension_fund: ['pension fund', 'caisse de retraite', 'fonds de pension', 'retraite', 'caisse de retraites'],
  insurer: ['assureur', 'assurance', 'mutuelle', 'insurance', 'insurance company'],
  bank: ['banque', 'banking'],
  private_bank: ['private bank', 'banque privee', 'private banking', 'gestion privee'],
  family_office: ['family office', 'multi family office', 'mfo', 'sfo'],
  wealth_manager: [
    'wealth manager',
    'cgp',
    'cgpi',
    'conseiller en gestion de patrimoine',
    'gestionnaire de patrimoine',
  ],
  asset_manager: ['asset manager', 'societe de gestion', 'sgp', 'gerant', 'asset management'],
  fund_platform: ['fund platform', 'plateforme', 'plateforme de distribution', 'platform'],
  corporate: ['entreprise', 'corporate', 'societe', 'tresorerie d entreprise'],
  other: ['autre', 'autres', 'divers'],
});

const organisationStatus = synonymLookup({
  prospect: ['prospect', 'prospects', 'prospection'],
  active: ['actif', 'active', 'client', 'en relation'],
  dormant: ['dormant', 'inactif', 'inactive', 'en sommeil'],
  closed: ['clos', 'close', 'ferme', 'closed', 'termine', 'resilie'],
});

const language = synonymLookup({
  fr: ['francais', 'french', 'fra', 'fre'],
  en: ['anglais', 'english', 'eng'],
  de: ['allemand', 'german', 'deutsch', 'deu', 'ger'],
  it: ['italien', 'italian', 'italiano', 'ita'],
  es: ['espagnol', 'spanish', 'espanol', 'spa'],
  nl: ['neerlandais', 'dutch', 'nederlands', 'flamand', 'nld', 'dut'],
});

/** The countries our clients' files name most; anything else must be an ISO code. */
const country = synonymLookup({
  FR: ['france', 'republique francaise'],
  BE: ['belgique', 'belgium', 'belgie'],
  LU: ['luxembourg'],
  CH: ['suisse', 'switzerland', 'schweiz', 'svizzera'],
  MC: ['monaco'],
  DE: ['allemagne', 'germany', 'deutschland'],
  IT: ['italie', 'italy', 'italia'],
  ES: ['espagne', 'spain', 'espana'],
  PT: ['portugal'],
  NL: ['pays bas', 'netherlands', 'the netherlands', 'nederland', 'hollande'],
  GB: ['royaume uni', 'united kingdom', 'uk', 'angleterre', 'england', 'great britain', 'grande bretagne'],
  IE: ['irlande', 'ireland'],
  AT: ['autriche', 'austria'],
  US: ['etats unis', 'united states', 'usa', 'etats unis d amerique', 'united states of america'],
  CA: ['canada'],
  SG: ['singapour', 'singapore'],
  HK: ['hong kong'],
  AE: ['emirats arabes unis', 'united arab emirates', 'uae'],
});

/**
 * `1 250 000,50 €`, `1,250,000.50`, `1.250.000,5`, `12.5` → a plain decimal
 * string; null when the text is not a number we can read without guessing
 * (`1,250` could be either: the schema then refuses it).
 */
export function parseAmount(raw: string): string | null {
  let text = raw.replace(/[\s\u00a0\u202f']/g, '').replace(/(€|\$|£|eur|usd|chf|gbp)$/i, '');
  text = text.replace(/^(€|\$|£)/, '');
  if (!/^\d[\d.,]*$/.test(text)) return null;
  const commas = (text.match(/,/g) ?? []).length;
  const dots = (text.match(/\./g) ?? []).length;
  let normalised: string;
  if (commas > 0 && dots > 0) {
    const decimal = text.lastIndexOf(',') > text.lastIndexOf('.') ? ',' : '.';
    const thousands = decimal === ',' ? '.' : ',';
    if (text.split(decimal).length > 2) return null;
    normalised = text.replaceAll(thousands, '').replace(decimal, '.');
  } else if (commas > 1 || dots > 1) {
    const separator = commas > 1 ? ',' : '.';
    if (!new RegExp(`^\\d{1,3}(\\${separator}\\d{3})+$`).test(text)) return null;
    normalised = text.replaceAll(separator, '');
  } else if (commas === 1 || dots === 1) {
    const separator = commas === 1 ? ',' : '.';
    const decimals = text.split(separator)[1] ?? '';
    // "1,250" or "1.250": thousands or decimals? Refuse rather than guess.
    if (decimals.length === 3) return null;
    normalised = text.replace(separator, '.');
  } else {
    normalised = text;
  }
  return canonicalAmount(normalised);
}

/** `"12.5"` → `"12.50"`, `"0012"` → `"12.00"`: the form Postgres returns numeric(20,2) in. */
export function canonicalAmount(text: string): string | null {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return null;
  const whole = (match[1] as string).replace(/^0+(?=\d)/, '');
  const fraction = match[2] ?? '';
  if (fraction.length > 2) return `${whole}.${fraction}`; // left to the schema, which refuses it
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

export interface ConvertedRow {
  /** The candidate API input (only non-empty cells). */
  input: Record<string, unknown>;
  /** `organisation` column of a people import. */
  organisationRef: string | null;
  /** The raw cell of each mapped field. */
  values: Record<string, string>;
  /** field → header, to name columns in messages. */
  columns: Record<string, string>;
  /** Cells that cannot be read at all (reasons to reject the row). */
  problems: string[];
}

/**
 * Mapped cells → input object. Empty cells are left out, so an update never
 * erases a value (to clear a field, edit the record).
 */
export function convertRow(
  entity: ImportEntity,
  mapping: Mapping,
  headers: readonly string[],
  cells: readonly string[],
): ConvertedRow {
  const values: Record<string, string> = {};
  const columns: Record<string, string> = {};
  headers.forEach((header, index) => {
    const field = mapping[header];
    if (!field) return;
    values[field] = cells[index] ?? '';
    columns[field] = header;
  });
  const input: Record<string, unknown> = {};
  let organisationRef: string | null = null;
  for (const [field, raw] of Object.entries(values)) {
    const text = value(raw);
    if (text === '') continue;
    switch (field) {
      case 'tags':
        input.tags = splitList(text);
        break;
      case 'types':
        input.types = splitList(text, /[,;|/]/).map(organisationType);
        break;
      case 'category':
        input.category = organisationCategory(text);
        break;
      case 'status':
        input.status = organisationStatus(text);
        break;
      case 'country':
        input.country = /^[a-z]{2}$/i.test(text) ? text.toUpperCase() : country(text);
        break;
      case 'language':
        input.language = /^[a-z]{2}$/i.test(text) ? text.toLowerCase() : language(text);
        break;
      case 'aumAmount':
      case 'aumCurrency':
        break;
      case 'organisation':
        organisationRef = text;
        break;
      default:
        input[field] = text;
    }
  }
  const problems: string[] = [];
  if (entity === 'organisations') {
    const amount = value(values.aumAmount);
    const parsed = amount === '' ? null : parseAmount(amount);
    if (parsed) {
      input.aum = { amount: parsed, currency: value(values.aumCurrency) || 'EUR' };
    } else if (amount !== '') {
      problems.push(
        `aum.amount ("${columns.aumAmount}"): "${amount}" is not an amount we can read without guessing (ambiguous separator or more than 2 decimals); write 1250000 or 1250000,50`,
      );
    }
  }
  return { input, organisationRef, values, columns, problems };
}

/** `aum.amount` → the AUM column's header, `types.1` → the Types column's. */
export function columnOfPath(
  path: readonly PropertyKey[],
  columns: Record<string, string>,
): string | undefined {
  const [first, second] = path.map(String);
  if (first === 'aum')
    return columns[second === 'currency' ? 'aumCurrency' : 'aumAmount'] ?? columns.aumAmount;
  return first ? columns[first] : undefined;
}
