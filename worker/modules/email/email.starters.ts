import type { Block } from './email.blocks';

/** The starter library: documents a user copies into a new template and edits. */
export interface StarterTemplate {
  key: string;
  name: string;
  subject: string;
  blocks: Block[];
}

export const STARTER_TEMPLATES: StarterTemplate[] = [
  {
    key: 'newsletter',
    name: 'Lettre d’information',
    subject: 'Nos convictions du trimestre',
    blocks: [
      { id: 'h1', type: 'heading', text: 'Nos convictions du trimestre', level: 1, align: 'left' },
      {
        id: 't1',
        type: 'text',
        text: 'Bonjour {{person.first_name|Madame, Monsieur}},\n\nVoici notre lecture des marchés et les **points clés** pour {{organisation.name|votre institution}}.',
        align: 'left',
      },
      {
        id: 'c1',
        type: 'columns',
        left: [
          { id: 'c1h', type: 'heading', text: 'Taux', level: 3, align: 'left' },
          { id: 'c1t', type: 'text', text: 'La détente se poursuit en zone euro.', align: 'left' },
        ],
        right: [
          { id: 'c2h', type: 'heading', text: 'Actions', level: 3, align: 'left' },
          {
            id: 'c2t',
            type: 'text',
            text: 'Une sélectivité accrue sur les valeurs de qualité.',
            align: 'left',
          },
        ],
      },
      { id: 'd1', type: 'divider' },
      {
        id: 'b1',
        type: 'button',
        label: 'Lire la lettre complète',
        url: 'https://www.alforis.fr',
        align: 'center',
        color: '#1f4e79',
      },
    ],
  },
  {
    key: 'event',
    name: 'Invitation à un événement',
    subject: 'Invitation : petit-déjeuner investisseurs',
    blocks: [
      {
        id: 's1',
        type: 'section',
        background: '#eef3f8',
        blocks: [
          { id: 's1h', type: 'heading', text: 'Petit-déjeuner investisseurs', level: 1, align: 'center' },
          { id: 's1t', type: 'text', text: '_Jeudi 4 décembre, 8 h 30 — Paris 8e_', align: 'center' },
        ],
      },
      {
        id: 't1',
        type: 'text',
        text: '{{person.first_name|Madame, Monsieur}}, nous serions ravis de vous accueillir pour échanger sur nos perspectives 2027.',
        align: 'left',
      },
      {
        id: 'b1',
        type: 'button',
        label: 'Je m’inscris',
        url: 'https://www.alforis.fr/evenements',
        align: 'center',
        color: '#2f855a',
      },
    ],
  },
  {
    key: 'fund-update',
    name: 'Point sur un fonds',
    subject: 'Point de gestion mensuel',
    blocks: [
      { id: 'h1', type: 'heading', text: 'Point de gestion', level: 1, align: 'left' },
      {
        id: 't1',
        type: 'text',
        text: 'Bonjour {{person.first_name|}},\n\nLe reporting mensuel est disponible. Vous y trouverez la performance, l’allocation et les mouvements du mois.',
        align: 'left',
      },
      {
        id: 'b1',
        type: 'button',
        label: 'Télécharger le reporting',
        url: 'https://www.alforis.fr/reporting',
        align: 'left',
        color: '#1f4e79',
      },
      { id: 'sp', type: 'spacer', height: 16 },
      { id: 't2', type: 'text', text: 'Votre interlocuteur reste à votre disposition.', align: 'left' },
    ],
  },
  {
    key: 'welcome',
    name: 'Bienvenue',
    subject: 'Bienvenue chez Alforis',
    blocks: [
      { id: 'h1', type: 'heading', text: 'Bienvenue, {{person.first_name|}}', level: 1, align: 'left' },
      {
        id: 't1',
        type: 'text',
        text: 'Merci de votre confiance. Dans les prochains jours, nous vous présenterons notre équipe et notre gamme.\n\nÀ très bientôt,\nL’équipe Alforis',
        align: 'left',
      },
    ],
  },
];
