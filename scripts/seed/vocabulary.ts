// Words the demo dataset is made of: French first and last names, cities with
// their phone formats and streets, organisation name patterns per kind of
// counterparty, job titles, funds, subjects and bodies of interactions, tasks.
// Every organisation and person is fictional; names are built from common
// French words and surnames, not taken from real firms.
import type { Random } from './random';

// biome-ignore format: a word list reads better packed
export const FIRST_NAMES_F = [
  'Camille', 'Claire', 'Sophie', 'Isabelle', 'Nathalie', 'Valérie', 'Sandrine', 'Céline', 'Aurélie',
  'Émilie', 'Julie', 'Caroline', 'Anne', 'Marie', 'Hélène', 'Catherine', 'Agnès', 'Béatrice', 'Delphine',
  'Florence', 'Laurence', 'Mathilde', 'Pauline', 'Charlotte', 'Juliette', 'Léa', 'Manon', 'Inès', 'Chloé',
  'Élodie', 'Stéphanie', 'Virginie', 'Marion', 'Lucie', 'Margaux', 'Alice', 'Diane', 'Bérénice', 'Anaïs',
  'Corinne', 'Sylvie', 'Véronique', 'Christine', 'Brigitte', 'Martine', 'Patricia', 'Françoise', 'Géraldine',
  'Ségolène', 'Amélie',
] as const;

// biome-ignore format: a word list reads better packed
export const FIRST_NAMES_M = [
  'Julien', 'Antoine', 'Nicolas', 'Thomas', 'Pierre', 'Olivier', 'Laurent', 'Philippe', 'François',
  'Stéphane', 'Christophe', 'Sébastien', 'Frédéric', 'Guillaume', 'Alexandre', 'Vincent', 'Jérôme',
  'Mathieu', 'Arnaud', 'Benoît', 'Emmanuel', 'Xavier', 'Damien', 'Romain', 'Hugo', 'Louis', 'Paul',
  'Baptiste', 'Maxime', 'Clément', 'Édouard', 'Grégoire', 'Henri', 'Jean', 'Marc', 'Michel', 'Patrick',
  'Thierry', 'Bruno', 'Didier', 'Éric', 'Fabrice', 'Gilles', 'Hervé', 'Jacques', 'Loïc', 'Matthias',
  'Raphaël', 'Yann', 'Benjamin',
] as const;

// biome-ignore format: a word list reads better packed
export const LAST_NAMES = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau',
  'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier',
  'Morel', 'Girard', 'André', 'Lefèvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez',
  'Legrand', 'Garnier', 'Faure', 'Rousseau', 'Blanc', 'Guérin', 'Muller', 'Henry', 'Roussel', 'Nicolas',
  'Perrin', 'Morin', 'Mathieu', 'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin',
  'Masson', 'Sanchez', 'Gérard', 'Nguyen', 'Boyer', 'Denis', 'Lemaire', 'Duval', 'Joly', 'Gautier', 'Roger',
  'Roche', 'Roy', 'Noël', 'Meyer', 'Lucas', 'Meunier', 'Jean', 'Perez', 'Marchand', 'Dufour', 'Blanchard',
  'Marie', 'Barbier', 'Brun', 'Dumas', 'Brunet', 'Schmitt', 'Leroux', 'Colin', 'Fernandez', 'Pierre',
  'Renard', 'Arnaud', 'Rolland', 'Caron', 'Aubert', 'Giraud', 'Leclerc', 'Vidal', 'Bourgeois', 'Renaud',
  'Lemoine', 'Picard', 'Gaillard', 'Philippe', 'Leclercq', 'Lacroix', 'Fabre', 'Dupuis', 'Olivier',
  'Rodriguez', 'Da Silva', 'Hubert', 'Louis', 'Charles', 'Guillot', 'Rivière', 'Le Gall', 'Guillaume',
  'Adam', 'Rey', 'Moulin', 'Gonzalez', 'Berger', 'Lecomte', 'Ménard', 'Fleury', 'Deschamps', 'Carpentier',
  'Julien', 'Benoît', 'Paris', 'Maillard', 'Marchal', 'Aubry', 'Vasseur', 'Le Roux', 'Renault', 'Jacquet',
  'Collet', 'Prévost', 'Poirier', 'Charpentier', 'Royer', 'Huet', 'Baron', 'Dupuy', 'Pons', 'Paul', 'Laine',
  'Carré', 'Breton', 'Rémy', 'Schneider', 'Perrot', 'Guyot', 'Barre', 'Marty', 'Cousin', 'de Villiers',
  'de la Tour', 'Delorme', 'Montclair', 'Vautrin', 'Sauvage', 'Bréval', 'Castaing', 'Lacoste', 'Valette',
  'Peyrac',
] as const;

/** Surnames that read well in firm names (family offices, CGP, private banks). */
// biome-ignore format: a word list reads better packed
export const FIRM_SURNAMES = [
  'Delorme', 'Montclair', 'Vautrin', 'Bréval', 'Castaing', 'Lacoste', 'Valette', 'Peyrac', 'Marchal',
  'Aubry', 'Vasseur', 'Jacquet', 'Prévost', 'Charpentier', 'Royer', 'Baron', 'Dupuy', 'Carré', 'Breton',
  'Perrot', 'Guyot', 'Marty', 'Lemaire', 'Duval', 'Fontaine', 'Chevalier', 'Masson', 'Gaillard', 'Lacroix',
  'Fabre', 'Rivière', 'Moulin', 'Berger', 'Fleury', 'Deschamps', 'Maillard', 'Renault', 'Collet', 'Poirier',
  'Huet', 'Beaumont', 'Saint-Aubin', 'Verdier', 'Lasserre', 'Champagnac', 'Roussillon', 'Tessier',
  'Aubertin', 'Cazenave', 'Larrieu', 'Kessler', 'Hoffmann', 'Weber', 'Vernet', 'Delcourt', 'Ferrand',
  'Granger', 'Jourdan', 'Lefort', 'Mallet', 'Sarrazin', 'Thibault', 'Vial', 'Berthier', 'Courtois', 'Dorval',
  'Espinasse',
] as const;

/** Evocative words for brand-style names (asset managers, platforms, insurers). */
// biome-ignore format: a word list reads better packed
export const BRAND_WORDS = [
  'Aurore', 'Boréal', 'Cèdre', 'Horizon', 'Lumière', 'Orée', 'Séquoia', 'Azur', 'Vauban', 'Colbert',
  'Mistral', 'Tramontane', 'Opale', 'Émeraude', 'Carmin', 'Rivage', 'Athéna', 'Hermine', 'Sextant',
  'Boussole', 'Amarante', 'Ormeau', 'Tilleul', 'Ponant', 'Levant', 'Alizé', 'Iroise', 'Garonne', 'Loire',
  'Seine', 'Montaigne', 'Voltaire', 'Pascal', 'Lafayette', 'Astrolabe', 'Cassiopée', 'Orion', 'Vega',
  'Altaïr', 'Méridien', 'Zénith', 'Équinoxe', 'Solstice', 'Archipel', 'Estuaire', 'Cap Ferret', 'Mont Blanc',
  'Vercors', 'Chartreuse', 'Belledonne', 'Cévennes', 'Morvan', 'Aubrac', 'Quercy', 'Lubéron', 'Ventoux',
  'Iseran',
] as const;

// biome-ignore format: a word list reads better packed
export const REGIONS = [
  'Île-de-France', 'Auvergne-Rhône-Alpes', 'Nouvelle-Aquitaine', 'Occitanie', 'Hauts-de-France', 'Grand Est',
  'Bretagne', 'Normandie', 'Pays de la Loire', 'Provence-Alpes-Côte d’Azur', 'Bourgogne-Franche-Comté',
  'Centre-Val de Loire',
] as const;

export interface City {
  name: string;
  country: 'FR' | 'CH' | 'LU' | 'BE';
  /** Relative frequency among organisations. */
  weight: number;
  /** Index of the demo team that covers the city (0 Paris, 1 Lyon). */
  team: 0 | 1;
  tld: string;
  /** International dialling prefix with the area code, e.g. `+33 1`. */
  dial: string;
  postcodes: readonly string[];
  streets: readonly string[];
  landline(r: Random): string;
}

const two = (r: Random) => String(r.int(0, 99)).padStart(2, '0');
const three = (r: Random) => String(r.int(100, 999));
const fr = (area: string) => (r: Random) => `+33 ${area} ${two(r)} ${two(r)} ${two(r)} ${two(r)}`;

export const CITIES: readonly City[] = [
  {
    name: 'Paris',
    country: 'FR',
    weight: 34,
    team: 0,
    tld: 'fr',
    dial: '+33 1',
    postcodes: ['75001', '75002', '75007', '75008', '75009', '75016', '75017'],
    streets: [
      'boulevard Haussmann',
      'avenue de l’Opéra',
      'rue de la Paix',
      'avenue Montaigne',
      'rue du Faubourg Saint-Honoré',
      'avenue Kléber',
      'rue de Richelieu',
      'place Vendôme',
      'avenue George V',
      'rue La Boétie',
    ],
    landline: fr('1'),
  },
  {
    name: 'Lyon',
    country: 'FR',
    weight: 12,
    team: 1,
    tld: 'fr',
    dial: '+33 4',
    postcodes: ['69002', '69003', '69006'],
    streets: [
      'cours Lafayette',
      'rue de la République',
      'quai Jules Courmont',
      'boulevard des Belges',
      'place Bellecour',
      'rue Garibaldi',
    ],
    landline: fr('4'),
  },
  {
    name: 'Bordeaux',
    country: 'FR',
    weight: 6,
    team: 0,
    tld: 'fr',
    dial: '+33 5',
    postcodes: ['33000', '33300'],
    streets: ['quai des Chartrons', 'cours de l’Intendance', 'allées de Tourny', 'cours Clemenceau'],
    landline: fr('5'),
  },
  {
    name: 'Lille',
    country: 'FR',
    weight: 6,
    team: 0,
    tld: 'fr',
    dial: '+33 3',
    postcodes: ['59000', '59800'],
    streets: ['rue Nationale', 'boulevard de la Liberté', 'rue Esquermoise', 'avenue Le Corbusier'],
    landline: fr('3'),
  },
  {
    name: 'Nantes',
    country: 'FR',
    weight: 5,
    team: 0,
    tld: 'fr',
    dial: '+33 2',
    postcodes: ['44000'],
    streets: ['cours des 50 Otages', 'quai de la Fosse', 'rue Crébillon', 'boulevard Guist’hau'],
    landline: fr('2'),
  },
  {
    name: 'Marseille',
    country: 'FR',
    weight: 6,
    team: 1,
    tld: 'fr',
    dial: '+33 4',
    postcodes: ['13001', '13006', '13008'],
    streets: ['La Canebière', 'rue Paradis', 'boulevard Michelet', 'quai de Rive-Neuve'],
    landline: fr('4'),
  },
  {
    name: 'Toulouse',
    country: 'FR',
    weight: 5,
    team: 1,
    tld: 'fr',
    dial: '+33 5',
    postcodes: ['31000'],
    streets: ['allées Jean-Jaurès', 'rue d’Alsace-Lorraine', 'boulevard de Strasbourg', 'place du Capitole'],
    landline: fr('5'),
  },
  {
    name: 'Strasbourg',
    country: 'FR',
    weight: 5,
    team: 1,
    tld: 'fr',
    dial: '+33 3',
    postcodes: ['67000'],
    streets: ['place Kléber', 'avenue de la Liberté', 'rue du Dôme', 'quai Kléber'],
    landline: fr('3'),
  },
  {
    name: 'Genève',
    country: 'CH',
    weight: 7,
    team: 1,
    tld: 'ch',
    dial: '+41 22',
    postcodes: ['1204', '1201', '1205'],
    streets: ['rue du Rhône', 'quai des Bergues', 'rue de la Corraterie', 'boulevard du Théâtre'],
    landline: (r) => `+41 22 ${three(r)} ${two(r)} ${two(r)}`,
  },
  {
    name: 'Luxembourg',
    country: 'LU',
    weight: 8,
    team: 0,
    tld: 'lu',
    dial: '+352',
    postcodes: ['L-1118', 'L-1855', 'L-2449', 'L-2953'],
    streets: ['boulevard Royal', 'avenue John F. Kennedy', 'rue Aldringen', 'route d’Esch'],
    landline: (r) => `+352 ${r.int(22, 49)} ${two(r)} ${two(r)} ${two(r)}`,
  },
  {
    name: 'Bruxelles',
    country: 'BE',
    weight: 6,
    team: 0,
    tld: 'be',
    dial: '+32 2',
    postcodes: ['1000', '1050'],
    streets: ['avenue Louise', 'boulevard du Régent', 'rue Royale', 'boulevard de Waterloo'],
    landline: (r) => `+32 2 ${three(r)} ${two(r)} ${two(r)}`,
  },
];

export function mobileFor(country: City['country'], r: Random): string {
  switch (country) {
    case 'CH':
      return `+41 ${r.pick(['76', '78', '79'])} ${three(r)} ${two(r)} ${two(r)}`;
    case 'LU':
      return `+352 ${r.pick(['621', '661', '691'])} ${three(r)} ${three(r)}`;
    case 'BE':
      return `+32 ${r.pick(['470', '475', '485', '495'])} ${two(r)} ${two(r)} ${two(r)}`;
    default:
      return `+33 ${r.pick(['6', '7'])} ${two(r)} ${two(r)} ${two(r)} ${two(r)}`;
  }
}

/** A job title in its masculine and feminine forms (the same string when it does not change). */
export type Title = readonly [string, string] | string;

export function titleFor(title: Title, female: boolean): string {
  return typeof title === 'string' ? title : female ? title[1] : title[0];
}

const CIO: Title = ['Directeur des investissements', 'Directrice des investissements'];
const CFO: Title = ['Directeur financier', 'Directrice financière'];
const CEO: Title = ['Directeur général', 'Directrice générale'];
const ANALYST: Title = 'Analyste investissements';

export type OrgKind =
  | 'caisse_retraite'
  | 'mutuelle'
  | 'assureur'
  | 'family_office'
  | 'banque_privee'
  | 'institution'
  | 'entreprise'
  | 'cgp'
  | 'plateforme'
  | 'banque'
  | 'depositaire'
  | 'societe_gestion'
  | 'consultant';

export interface KindSpec {
  kind: OrgKind;
  label: string;
  count: number;
  types: readonly string[];
  category: string;
  /** AUM range in euros (log-uniform), or null when AUM means nothing for this kind. */
  aum: readonly [number, number] | null;
  /** [status, weight] */
  statuses: readonly (readonly [string, number])[];
  /** Share of organisations of this kind that sit in the fundraising pipeline. */
  inPipeline: number;
  /** Probability that the owner belongs to the Lyon team, before the city's own pull. */
  lyon: number;
  titles: readonly Title[];
  /** Head-count range of contacts per organisation. */
  contacts: readonly [number, number];
  name(r: Random): { name: string; legal: string; domain: string };
}

const STOP = new Set(['de', 'des', 'du', 'la', 'le', 'les', 'l', 'd', 'et', 'en', 'pour', 'a', 'au', 'aux']);

/** Domain label from words: short names joined, long ones abbreviated to initials + the last word. */
export function domainLabel(text: string): string {
  const words = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, ' ')
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !STOP.has(w));
  const joined = words.join('-');
  if (joined.length <= 20) return joined;
  const last = words[words.length - 1] ?? '';
  return `${words
    .slice(0, -1)
    .map((w) => w[0])
    .join('')}-${last}`;
}

// biome-ignore format: a word list reads better packed
const AUDIENCES_RETRAITE = [
  'des cadres de l’industrie', 'du personnel navigant', 'des notaires', 'des professions libérales',
  'des agents territoriaux', 'des chirurgiens-dentistes', 'des pharmaciens', 'des experts-comptables',
  'des artisans du bâtiment', 'des médecins', 'des avocats', 'des agents de la fonction hospitalière',
  'des salariés de l’agriculture', 'des personnels de la presse', 'des architectes', 'des marins',
  'des vétérinaires', 'des commerçants', 'des ingénieurs-conseils', 'des employés de la chimie',
] as const;

// biome-ignore format: a word list reads better packed
const AUDIENCES_MUTUELLE = [
  'des enseignants', 'des cheminots', 'des fonctionnaires', 'de l’Ouest', 'du Rhône', 'des artisans',
  'des forces de sécurité', 'des étudiants', 'des territoriaux', 'de la Loire', 'des Alpes', 'du Nord',
  'de Provence', 'des professions de santé', 'de l’énergie', 'des transports',
] as const;

const pickSurname = (r: Random) => r.pick(FIRM_SURNAMES);
const pickWord = (r: Random) => r.pick(BRAND_WORDS);

export const KINDS: readonly KindSpec[] = [
  {
    kind: 'caisse_retraite',
    label: 'Caisse de retraite',
    count: 34,
    types: ['investor'],
    category: 'pension_fund',
    aum: [3e8, 3e10],
    statuses: [
      ['active', 5],
      ['prospect', 4],
      ['dormant', 1],
    ],
    inPipeline: 0.75,
    lyon: 0.2,
    contacts: [1, 3],
    titles: [
      CIO,
      'Responsable ALM',
      ['Gérant taux', 'Gérante taux'],
      CFO,
      ['Secrétaire général', 'Secrétaire générale'],
      ['Président du comité d’investissement', 'Présidente du comité d’investissement'],
      'Responsable ISR',
      ANALYST,
    ],
    name(r) {
      const audience = r.pick(AUDIENCES_RETRAITE);
      const prefix = r.weighted([
        ['Caisse de retraite', 5],
        ['Caisse autonome de retraite', 2],
        ['Institution de retraite complémentaire', 2],
        ['Régime de retraite', 1],
      ] as const);
      const name = `${prefix} ${audience}`;
      const initials = prefix
        .split(' ')
        .filter((w) => !STOP.has(w.toLowerCase()))
        .map((w) => w[0]?.toLowerCase())
        .join('');
      return { name, legal: name, domain: `${initials}-${domainLabel(audience)}` };
    },
  },
  {
    kind: 'mutuelle',
    label: 'Mutuelle',
    count: 30,
    types: ['investor'],
    category: 'insurer',
    aum: [1e8, 5e9],
    statuses: [
      ['active', 4],
      ['prospect', 5],
      ['dormant', 1],
    ],
    inPipeline: 0.7,
    lyon: 0.35,
    contacts: [1, 3],
    titles: [CIO, 'Responsable ALM', CFO, CEO, ['Trésorier', 'Trésorière'], ANALYST],
    name(r) {
      const adj = r.pick(['nationale', 'générale', 'solidaire', 'familiale', 'interprofessionnelle']);
      const audience = r.pick(AUDIENCES_MUTUELLE);
      const name = `Mutuelle ${adj} ${audience}`;
      return {
        name,
        legal: `${name} (mutuelle régie par le livre II du Code de la mutualité)`,
        domain: `m${adj[0]}-${domainLabel(audience)}`,
      };
    },
  },
  {
    kind: 'assureur',
    label: 'Assureur',
    count: 24,
    types: ['investor'],
    category: 'insurer',
    aum: [1e9, 8e10],
    statuses: [
      ['active', 5],
      ['prospect', 4],
      ['dormant', 1],
    ],
    inPipeline: 0.7,
    lyon: 0.3,
    contacts: [1, 4],
    titles: [
      CIO,
      'Responsable ALM',
      ['Gérant actions', 'Gérante actions'],
      ['Gérant taux', 'Gérante taux'],
      ['Responsable de la sélection de fonds', 'Responsable de la sélection de fonds'],
      'Responsable ISR',
      ANALYST,
      CFO,
    ],
    name(r) {
      const word = pickWord(r);
      const suffix = r.pick([
        'Assurances',
        'Prévoyance',
        'Vie',
        'Mutuelle d’assurance',
        'Assurances Mutuelles',
      ]);
      const name = `${word} ${suffix}`;
      return { name, legal: `${name} SA`, domain: domainLabel(`${word} ${suffix.split(' ')[0]}`) };
    },
  },
  {
    kind: 'family_office',
    label: 'Family office',
    count: 34,
    types: ['investor'],
    category: 'family_office',
    aum: [5e7, 2e9],
    statuses: [
      ['active', 3],
      ['prospect', 6],
      ['dormant', 2],
    ],
    inPipeline: 0.6,
    lyon: 0.45,
    contacts: [1, 3],
    titles: [
      'Family officer',
      ['Associé fondateur', 'Associée fondatrice'],
      CIO,
      ['Chargé d’investissements', 'Chargée d’investissements'],
      ['Président', 'Présidente'],
    ],
    name(r) {
      const surname = pickSurname(r);
      const pattern = r.int(0, 4);
      const name = [
        `${surname} Family Office`,
        `Famille ${surname} Investissements`,
        `${surname} & Fils Participations`,
        `Holding ${surname}`,
        `${surname} Capital Partners`,
      ][pattern] as string;
      const domain = [
        `${slugOf(surname)}-fo`,
        `famille-${slugOf(surname)}`,
        `${slugOf(surname)}-participations`,
        `holding-${slugOf(surname)}`,
        `${slugOf(surname)}-capital`,
      ][pattern] as string;
      return { name, legal: `${name} SAS`, domain };
    },
  },
  {
    kind: 'banque_privee',
    label: 'Banque privée',
    count: 18,
    types: ['investor', 'distributor'],
    category: 'private_bank',
    aum: [1e9, 4e10],
    statuses: [
      ['active', 6],
      ['prospect', 3],
      ['dormant', 1],
    ],
    inPipeline: 0.5,
    lyon: 0.4,
    contacts: [1, 3],
    titles: [
      ['Directeur de la gestion privée', 'Directrice de la gestion privée'],
      ['Banquier privé', 'Banquière privée'],
      ['Responsable de la sélection de fonds', 'Responsable de la sélection de fonds'],
      CIO,
      ['Gérant', 'Gérante'],
    ],
    name(r) {
      const surname = pickSurname(r);
      const pattern = r.int(0, 2);
      const name = [`Banque ${surname} & Cie`, `${surname} Banque Privée`, `Banque privée ${surname}`][
        pattern
      ] as string;
      return {
        name,
        legal: `${name} SCA`,
        domain: [`banque-${slugOf(surname)}`, `${slugOf(surname)}-bp`, `bp-${slugOf(surname)}`][
          pattern
        ] as string,
      };
    },
  },
  {
    kind: 'institution',
    label: 'Institution',
    count: 18,
    types: ['investor'],
    category: 'institutional',
    aum: [5e7, 5e9],
    statuses: [
      ['active', 3],
      ['prospect', 5],
      ['dormant', 1],
    ],
    inPipeline: 0.65,
    lyon: 0.3,
    contacts: [1, 3],
    titles: [
      CFO,
      ['Trésorier', 'Trésorière'],
      ['Secrétaire général', 'Secrétaire générale'],
      ['Président du comité financier', 'Présidente du comité financier'],
    ],
    name(r) {
      const surname = pickSurname(r);
      const pattern = r.int(0, 3);
      const region = r.pick(REGIONS);
      const name = [
        `Fondation ${surname}`,
        `Fonds de dotation ${surname}`,
        `Institution de prévoyance ${region}`,
        `Œuvres sociales ${region}`,
      ][pattern] as string;
      return { name, legal: name, domain: domainLabel(name) };
    },
  },
  {
    kind: 'entreprise',
    label: 'Entreprise',
    count: 8,
    types: ['investor'],
    category: 'corporate',
    aum: [5e7, 1e9],
    statuses: [
      ['active', 2],
      ['prospect', 5],
      ['dormant', 1],
    ],
    inPipeline: 0.5,
    lyon: 0.5,
    contacts: [1, 2],
    titles: [
      CFO,
      ['Trésorier groupe', 'Trésorière groupe'],
      ['Responsable trésorerie', 'Responsable trésorerie'],
    ],
    name(r) {
      const word = pickWord(r);
      const sector = r.pick([
        'Industries',
        'Logistique',
        'Énergies',
        'Distribution',
        'Santé',
        'Agroalimentaire',
      ]);
      const name = `Groupe ${word} ${sector}`;
      return { name, legal: `${word} ${sector} SA`, domain: domainLabel(`${word} ${sector}`) };
    },
  },
  {
    kind: 'cgp',
    label: 'Conseil en gestion de patrimoine',
    count: 64,
    types: ['distributor'],
    category: 'wealth_manager',
    aum: [1e7, 8e8],
    statuses: [
      ['active', 5],
      ['prospect', 4],
      ['dormant', 2],
      ['closed', 1],
    ],
    inPipeline: 0.35,
    lyon: 0.6,
    contacts: [1, 3],
    titles: [
      ['CGP associé', 'CGP associée'],
      ['Conseiller en gestion de patrimoine', 'Conseillère en gestion de patrimoine'],
      ['Associé gérant', 'Associée gérante'],
      ['Responsable de la sélection de fonds', 'Responsable de la sélection de fonds'],
      'Assistante de gestion',
    ],
    name(r) {
      const surname = pickSurname(r);
      const word = pickWord(r);
      const pattern = r.int(0, 4);
      const name = [
        `${surname} Patrimoine`,
        `Cabinet ${surname} & Associés`,
        `${surname} Gestion de Patrimoine`,
        `Patrimoine ${word}`,
        `${word} Conseil Patrimonial`,
      ][pattern] as string;
      const domain = [
        `${slugOf(surname)}-patrimoine`,
        `cabinet-${slugOf(surname)}`,
        `${slugOf(surname)}-gp`,
        `patrimoine-${slugOf(word)}`,
        `${slugOf(word)}-conseil`,
      ][pattern] as string;
      return { name, legal: `${name} SARL`, domain };
    },
  },
  {
    kind: 'plateforme',
    label: 'Plateforme de distribution',
    count: 14,
    types: ['distributor'],
    category: 'fund_platform',
    aum: [1e9, 6e10],
    statuses: [
      ['active', 6],
      ['prospect', 3],
    ],
    inPipeline: 0.4,
    lyon: 0.5,
    contacts: [1, 3],
    titles: [
      ['Responsable partenariats', 'Responsable partenariats'],
      ['Sélectionneur de fonds', 'Sélectionneuse de fonds'],
      'Head of Fund Selection',
      ['Responsable offre produits', 'Responsable offre produits'],
      ['Directeur commercial', 'Directrice commerciale'],
    ],
    name(r) {
      const word = pickWord(r);
      const pattern = r.int(0, 3);
      const name = [
        `${word} Funds`,
        `Plateforme ${word}`,
        `${word} Fund Services`,
        `${word} Vie Partenaires`,
      ][pattern] as string;
      return { name, legal: `${name} SAS`, domain: domainLabel(name) };
    },
  },
  {
    kind: 'banque',
    label: 'Banque de réseau',
    count: 14,
    types: ['distributor'],
    category: 'bank',
    aum: [5e9, 2e11],
    statuses: [
      ['active', 5],
      ['prospect', 3],
      ['dormant', 1],
    ],
    inPipeline: 0.3,
    lyon: 0.45,
    contacts: [1, 3],
    titles: [
      ['Responsable de la sélection de fonds', 'Responsable de la sélection de fonds'],
      ['Directeur de la gestion privée', 'Directrice de la gestion privée'],
      ['Responsable offre produits', 'Responsable offre produits'],
      ['Directeur des partenariats', 'Directrice des partenariats'],
    ],
    name(r) {
      const region = r.pick(REGIONS);
      const pattern = r.int(0, 2);
      const name = [
        `Banque régionale ${region}`,
        `Crédit coopératif ${region}`,
        `Caisse régionale ${region}`,
      ][pattern] as string;
      return { name, legal: name, domain: domainLabel(name) };
    },
  },
  {
    kind: 'depositaire',
    label: 'Dépositaire',
    count: 10,
    types: ['supplier'],
    category: 'bank',
    aum: null,
    statuses: [
      ['active', 6],
      ['prospect', 1],
    ],
    inPipeline: 0,
    lyon: 0.2,
    contacts: [1, 3],
    titles: [
      ['Responsable relation clients', 'Responsable relation clients'],
      ['Chargé de contrôle dépositaire', 'Chargée de contrôle dépositaire'],
      ['Directeur commercial', 'Directrice commerciale'],
      'Responsable conservation',
    ],
    name(r) {
      const word = pickWord(r);
      const surname = pickSurname(r);
      const pattern = r.int(0, 2);
      const name = [`${word} Securities Services`, `${surname} Titres & Conservation`, `Dépositaire ${word}`][
        pattern
      ] as string;
      return { name, legal: `${name} SA`, domain: domainLabel(name) };
    },
  },
  {
    kind: 'societe_gestion',
    label: 'Société de gestion',
    count: 24,
    types: ['partner'],
    category: 'asset_manager',
    aum: [3e8, 1e11],
    statuses: [
      ['active', 5],
      ['prospect', 3],
      ['dormant', 1],
    ],
    inPipeline: 0.1,
    lyon: 0.35,
    contacts: [1, 3],
    titles: [
      ['Gérant', 'Gérante'],
      ['Directeur commercial', 'Directrice commerciale'],
      ['Directeur de la gestion', 'Directrice de la gestion'],
      'RCCI',
      ['Analyste crédit', 'Analyste crédit'],
      'Responsable middle office',
    ],
    name(r) {
      const word = pickWord(r);
      const surname = pickSurname(r);
      const pattern = r.int(0, 3);
      const name = [
        `${word} Asset Management`,
        `${surname} Gestion`,
        `${word} Investment Managers`,
        `${word} Capital`,
      ][pattern] as string;
      const domain = [
        `${slugOf(word)}-am`,
        `${slugOf(surname)}-gestion`,
        `${slugOf(word)}-im`,
        `${slugOf(word)}-capital`,
      ][pattern] as string;
      return { name, legal: `${name} SAS`, domain };
    },
  },
  {
    kind: 'consultant',
    label: 'Consultant en investissement',
    count: 8,
    types: ['partner'],
    category: 'other',
    aum: null,
    statuses: [
      ['active', 4],
      ['prospect', 2],
    ],
    inPipeline: 0,
    lyon: 0.3,
    contacts: [1, 2],
    titles: [
      ['Consultant senior', 'Consultante senior'],
      ['Associé', 'Associée'],
      ['Directeur de la recherche', 'Directrice de la recherche'],
    ],
    name(r) {
      const surname = pickSurname(r);
      const pattern = r.int(0, 1);
      const name = [`${surname} Investment Consulting`, `Cabinet ${surname} Conseil en investissement`][
        pattern
      ] as string;
      return {
        name,
        legal: `${name} SAS`,
        domain: [`${slugOf(surname)}-consulting`, `${slugOf(surname)}-conseil`][pattern] as string,
      };
    },
  },
];

function slugOf(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

// biome-ignore format: a word list reads better packed
export const ORG_TAGS = [
  'ESG', 'ISR', 'Article 9', 'Article 8', 'Private equity', 'Dette privée', 'Immobilier', 'Obligataire',
  'Actions européennes', 'Infrastructure', 'Appel d’offres', 'Club deal', 'Grand compte', 'Conférence 2026',
  'Multigestion', 'Assurance-vie', 'PER', 'Fonds dédié',
] as const;

// biome-ignore format: a word list reads better packed
export const PERSON_TAGS = [
  'Décideur', 'Prescripteur', 'Comité d’investissement', 'Newsletter', 'Petit-déjeuner marchés', 'VIP',
  'Conférence 2026', 'Technique', 'ESG',
] as const;

export const FUNDS = [
  'Alforis Crédit Euro IG',
  'Alforis Actions Europe ISR',
  'Alforis Dette Privée II',
  'Alforis Obligations 2029',
  'Alforis Immobilier Durable',
  'Alforis Infrastructures Vertes',
  'Alforis Convertibles Europe',
  'Alforis Haut Rendement 2028',
  'Alforis Small Caps France',
  'Alforis Monétaire Plus',
  'Alforis Allocation Flexible',
  'Alforis Actions Monde Climat',
] as const;

export const MANDATE_TITLES: Record<string, readonly string[]> = {
  discretionary: [
    'Mandat de gestion obligataire',
    'Mandat de gestion actions euro ISR',
    'Mandat diversifié prudent',
    'Mandat de gestion crédit investment grade',
    'Mandat actions internationales bas carbone',
  ],
  advisory: ['Mandat de conseil en allocation', 'Conseil en sélection de fonds', 'Mission de conseil ALM'],
  distribution: [
    'Convention de distribution',
    'Accord de commercialisation',
    'Convention de placement',
    'Référencement sur la plateforme',
  ],
  dedicated_fund: ['Fonds dédié obligations', 'Fonds dédié diversifié', 'Fonds dédié dette privée'],
  other: ['Accord de co-investissement', 'Partenariat de recherche'],
};

// biome-ignore format: a word list reads better packed
export const MONTHS_FR = [
  'janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre',
  'novembre', 'décembre',
] as const;

export const INTERACTION_SUBJECTS: Record<string, readonly string[]> = {
  call: [
    'Appel de suivi',
    'Point téléphonique sur l’allocation {year}',
    'Appel : retour sur la due diligence',
    'Relance suite à l’envoi du DIC de {fund}',
    'Appel découverte',
    'Point sur la performance de {fund}',
    'Appel : questions sur les frais',
    'Échange sur le contexte de taux',
  ],
  meeting: [
    'Rendez-vous de présentation de {fund}',
    'Comité d’investissement : présentation de {fund}',
    'Déjeuner avec {person}',
    'Revue annuelle du mandat',
    'Visite des équipes de gestion',
    'Réunion de due diligence opérationnelle',
    'Présentation de la stratégie dette privée',
    'Point trimestriel',
    'Rencontre dans nos bureaux de {city}',
  ],
  email: [
    'Envoi du reporting mensuel de {month}',
    'Documentation de {fund}',
    'Réponse au questionnaire ESG',
    'Proposition de frais',
    'Invitation à notre conférence annuelle',
    'Envoi du rapport SFDR',
    'Compléments sur la due diligence',
    'Mise à jour des documents réglementaires',
  ],
  note: [
    'Note interne : allocation {year}',
    'Compte rendu d’échange informel',
    'Points d’attention KYC',
    'Note : changement d’interlocuteur',
    'Synthèse des besoins',
    'Note : contexte concurrentiel',
  ],
  event: [
    'Petit-déjeuner marchés à {city}',
    'Conférence annuelle Alforis',
    'Salon Patrimonia',
    'Webinaire perspectives {year}',
    'Roadshow {city}',
    'Dîner investisseurs',
    'Table ronde ISR',
  ],
};

export const BODY_OPENINGS = [
  'Échange constructif avec {person}.',
  'Bonne écoute de nos interlocuteurs.',
  '{person} était accompagné(e) de son équipe.',
  'Premier contact après la recommandation de notre partenaire.',
  'Suite de nos échanges du mois dernier.',
  'Rendez-vous demandé par {org}.',
  'Échange rapide mais utile.',
] as const;

export const BODY_POINTS = [
  'Ils revoient leur allocation obligataire pour {year} et cherchent du portage crédit.',
  'Intérêt marqué pour {fund}, en particulier la politique ESG et l’historique de performance.',
  'Le comité d’investissement se réunit le mois prochain ; il faudra envoyer la documentation avant.',
  'Question sur les frais de gestion : ils attendent une part institutionnelle.',
  'La due diligence opérationnelle est prévue au prochain trimestre.',
  'Ils réduisent le nombre de sociétés de gestion référencées : il faut se différencier.',
  'Demande de reporting trimestriel détaillé, avec l’empreinte carbone.',
  'Sensibles au label ISR et à la classification SFDR article 8 ou 9.',
  'Budget de {amount} M€ à déployer d’ici la fin de l’année.',
  'Ils souhaitent un point avec le gérant avant de décider.',
  'Retour positif sur la performance depuis le début de l’année.',
  'Changement récent d’équipe : le nouveau directeur des investissements revoit les mandats.',
] as const;

export const BODY_NEXT = [
  'Prochaine étape : envoyer la présentation et le DIC.',
  'À relancer dans trois semaines.',
  'Organiser une rencontre avec le gérant.',
  'Préparer une proposition de frais.',
  'Rien à faire à court terme.',
  'Inviter à la conférence annuelle.',
  'Transmettre le questionnaire due diligence complété.',
] as const;

export const TASK_TITLES = [
  'Envoyer le reporting trimestriel à {org}',
  'Relancer {person} sur l’appel d’offres',
  'Préparer le comité d’investissement de {org}',
  'Mettre à jour le KYC de {org}',
  'Organiser un déjeuner avec {person}',
  'Répondre au questionnaire due diligence de {org}',
  'Transmettre la proposition de frais à {org}',
  'Préparer la revue annuelle du mandat',
  'Vérifier les documents réglementaires (DIC, prospectus) pour {org}',
  'Envoyer la présentation de {fund} à {person}',
  'Planifier un appel avec {person}',
  'Mettre à jour la fiche de {org}',
  'Inviter {person} à la conférence annuelle',
] as const;
