/** A top-level area of the CRM, as shown in the main navigation. */
export interface Section {
  path: string;
  label: string;
  description: string;
}

export const SECTIONS: readonly Section[] = [
  {
    path: '/',
    label: 'Tableau de bord',
    description: 'Vue d’ensemble de votre activité commerciale.',
  },
  {
    path: '/organisations',
    label: 'Organisations',
    description:
      'Distributeurs, plateformes, family offices et investisseurs institutionnels, avec leurs contacts et leur historique.',
  },
  {
    path: '/personnes',
    label: 'Personnes',
    description: 'Les contacts de chaque organisation, leurs rôles, leurs préférences et vos échanges.',
  },
  {
    path: '/mandats',
    label: 'Mandats',
    description: 'Mandats et accords de distribution : fonds couverts, statut, échéances et documents.',
  },
  {
    path: '/taches',
    label: 'Tâches',
    description: 'Relances, rendez-vous et actions à mener, assignés à vous ou à votre équipe.',
  },
  {
    path: '/pipeline',
    label: 'Pipeline',
    description: 'Opportunités de levée par étape, montants attendus et prévisions.',
  },
];

/** The section whose area contains `pathname` (not the dashboard), if any. */
export function findSection(pathname: string): Section | undefined {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return SECTIONS.find((s) => s.path !== '/' && (path === s.path || path.startsWith(`${s.path}/`)));
}
