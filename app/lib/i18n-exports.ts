import { type Locale, useLocale } from './i18n';

const fr = {
  'exports.label': 'Exporter',
  'exports.csv': 'CSV',
  'exports.excel': 'Excel',
  'exports.pdf': 'PDF',
  'exports.csvTitle': 'Exporter la liste filtrée en CSV (séparateur ;)',
  'exports.excelTitle': 'Exporter la liste filtrée en Excel, avec graphiques',
  'exports.pdfTitle': 'Exporter la liste filtrée en rapport PDF',
  'exports.working': 'Export en cours…',
  'exports.queued': 'Export volumineux : il est préparé en arrière-plan.',
  'exports.seeJobs': 'Voir mes exports',
  'exports.failed': "L'export a échoué.",
  'exports.mandatePdf': 'Fiche PDF',
  'exports.jobs.title': 'Mes exports',
  'exports.jobs.lead':
    'Les exports volumineux sont préparés en arrière-plan ; ils restent téléchargeables 24 h.',
  'exports.jobs.empty': 'Aucun export en arrière-plan pour le moment.',
  'exports.jobs.file': 'Fichier',
  'exports.jobs.status': 'Statut',
  'exports.jobs.progress': 'Progression',
  'exports.jobs.expires': 'Expire le',
  'exports.jobs.download': 'Télécharger',
  'exports.jobs.loading': 'Chargement…',
  'exports.status.queued': 'En attente',
  'exports.status.running': 'En cours',
  'exports.status.completed': 'Prêt',
  'exports.status.failed': 'Échec',
  'exports.status.expired': 'Expiré',
} as const;

type ExportsMessageKey = keyof typeof fr;

const en: Record<ExportsMessageKey, string> = {
  'exports.label': 'Export',
  'exports.csv': 'CSV',
  'exports.excel': 'Excel',
  'exports.pdf': 'PDF',
  'exports.csvTitle': 'Export the filtered list as CSV',
  'exports.excelTitle': 'Export the filtered list to Excel, with charts',
  'exports.pdfTitle': 'Export the filtered list as a PDF report',
  'exports.working': 'Exporting…',
  'exports.queued': 'Large export: it is being prepared in the background.',
  'exports.seeJobs': 'See my exports',
  'exports.failed': 'The export failed.',
  'exports.mandatePdf': 'PDF sheet',
  'exports.jobs.title': 'My exports',
  'exports.jobs.lead': 'Large exports are prepared in the background; they stay downloadable for 24 h.',
  'exports.jobs.empty': 'No background export yet.',
  'exports.jobs.file': 'File',
  'exports.jobs.status': 'Status',
  'exports.jobs.progress': 'Progress',
  'exports.jobs.expires': 'Expires',
  'exports.jobs.download': 'Download',
  'exports.jobs.loading': 'Loading…',
  'exports.status.queued': 'Queued',
  'exports.status.running': 'Running',
  'exports.status.completed': 'Ready',
  'exports.status.failed': 'Failed',
  'exports.status.expired': 'Expired',
};

const DICTIONARIES: Record<Locale, Record<ExportsMessageKey, string>> = { fr, en };

export type ExportsTranslate = (key: ExportsMessageKey) => string;

export function useExportsT(): ExportsTranslate {
  const dictionary = DICTIONARIES[useLocale()];
  return (key) => dictionary[key] ?? fr[key];
}
