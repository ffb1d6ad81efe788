import { z } from '@hono/zod-openapi';
import { INTERACTION_TYPES } from '../interactions/interactions.schemas';
import { MANDATE_STATUSES, MANDATE_TYPES } from '../mandates/mandates.schemas';
import {
  csv,
  ORGANISATION_CATEGORIES,
  ORGANISATION_STATUSES,
  ORGANISATION_TYPES,
} from '../organisations/organisations.schemas';
import { CONSENT_STATUSES, LANGUAGES } from '../people/people.schemas';
import { SEARCH_QUERY_MAX_LENGTH } from './search.query';

export const SEARCH_TYPES = ['organisations', 'people', 'mandates', 'interactions'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];
export const AUTOCOMPLETE_TYPES = ['organisations', 'people', 'mandates'] as const;
export type AutocompleteType = (typeof AUTOCOMPLETE_TYPES)[number];

const q = (min: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(SEARCH_QUERY_MAX_LENGTH)
    .openapi({
      example: 'societe generale -"asset management"',
      description:
        'Words (all must match; the last one, from 3 characters, as a prefix), "quoted phrases", `or` between ' +
        'two words or phrases, -word to exclude. Accents and case are ignored.',
    });

const cursor = z.string().max(500).optional().openapi({ description: 'nextCursor from the previous page' });
const dateOrTime = z.iso.datetime({ offset: true }).or(z.iso.date());
const dateRange = {
  createdFrom: dateOrTime.optional(),
  createdTo: dateOrTime.optional(),
  updatedFrom: dateOrTime.optional(),
  updatedTo: dateOrTime.optional(),
};

export const searchQuery = z.object({
  q: q(1),
  types: csv(z.enum(SEARCH_TYPES))
    .optional()
    .openapi({ example: 'organisations,people', description: 'Default: every type you may read' }),
  limit: z.coerce.number().int().min(1).max(50).default(5).openapi({ description: 'Results per type' }),
  cursor,
});
export type SearchQuery = z.infer<typeof searchQuery>;

const entityPage = {
  q: q(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor,
  ownerId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  ...dateRange,
};

export const searchOrganisationsQuery = z.object({
  ...entityPage,
  type: csv(z.enum(ORGANISATION_TYPES)).optional().openapi({ example: 'investor,distributor' }),
  category: csv(z.enum(ORGANISATION_CATEGORIES)).optional(),
  status: csv(z.enum(ORGANISATION_STATUSES)).optional(),
  stageId: z.uuid().optional(),
  city: z.string().trim().min(1).max(120).optional(),
  country: z.string().trim().toUpperCase().length(2).optional(),
  tags: csv(z.string().max(40)).optional().openapi({ description: 'Having all these tags' }),
});
export type SearchOrganisationsQuery = z.infer<typeof searchOrganisationsQuery>;

export const searchPeopleQuery = z.object({
  ...entityPage,
  city: z.string().trim().min(1).max(120).optional(),
  tags: csv(z.string().max(40)).optional().openapi({ description: 'Having all these tags' }),
  language: csv(z.enum(LANGUAGES)).optional(),
  consentStatus: csv(z.enum(CONSENT_STATUSES)).optional(),
  organisationId: z
    .uuid()
    .optional()
    .openapi({ description: 'Currently affiliated with this organisation (if you can see it)' }),
});
export type SearchPeopleQuery = z.infer<typeof searchPeopleQuery>;

export const searchMandatesQuery = z.object({
  ...entityPage,
  type: csv(z.enum(MANDATE_TYPES)).optional(),
  status: csv(z.enum(MANDATE_STATUSES)).optional().openapi({ example: 'signed,active' }),
  organisationId: z.uuid().optional(),
  signedFrom: z.iso.date().optional(),
  signedTo: z.iso.date().optional(),
});
export type SearchMandatesQuery = z.infer<typeof searchMandatesQuery>;

export const autocompleteQuery = z.object({
  q: q(2),
  types: csv(z.enum(AUTOCOMPLETE_TYPES))
    .optional()
    .openapi({ description: 'Default: every type you may read' }),
});
export type AutocompleteQuery = z.infer<typeof autocompleteQuery>;

// ---------------------------------------------------------------- responses

const highlight = z
  .object({
    name: z.string().openapi({ description: 'HTML: the escaped name with <mark> around matches' }),
    snippet: z.string().nullable().openapi({
      description: 'HTML: escaped fragments of the notes or body around matches, if they matched',
    }),
  })
  .openapi('SearchHighlight');

const hit = {
  id: z.uuid(),
  score: z.number().openapi({ description: 'Higher is better; only comparable within one response' }),
  match: z.enum(['text', 'fuzzy']).openapi({ description: 'fuzzy: found by the typo-tolerant fallback' }),
  highlight,
  ownerId: z.uuid(),
  teamId: z.uuid().nullable(),
  updatedAt: z.iso.datetime(),
};

export const organisationHitSchema = z
  .object({
    ...hit,
    name: z.string(),
    legalName: z.string().nullable(),
    types: z.array(z.string()),
    category: z.string().nullable(),
    status: z.string(),
    pipelineStageId: z.uuid().nullable(),
    city: z.string().nullable(),
    country: z.string().nullable(),
  })
  .openapi('OrganisationSearchHit');

export const personHitSchema = z
  .object({
    ...hit,
    firstName: z.string(),
    lastName: z.string(),
    jobTitle: z.string().nullable(),
    workEmail: z.string().nullable(),
    city: z.string().nullable(),
  })
  .openapi('PersonSearchHit');

export const mandateHitSchema = z
  .object({
    ...hit,
    number: z.string(),
    title: z.string(),
    type: z.string(),
    status: z.string(),
    organisationId: z.uuid(),
  })
  .openapi('MandateSearchHit');

export const interactionHitSchema = z
  .object({
    ...hit,
    type: z.enum(INTERACTION_TYPES),
    subject: z.string(),
    occurredAt: z.iso.datetime(),
    organisationId: z.uuid().nullable(),
    mandateId: z.uuid().nullable(),
  })
  .openapi('InteractionSearchHit');

const didYouMean = z
  .string()
  .optional()
  .openapi({ description: 'When few records matched: the closest name among those you may read' });

const counts = z
  .object({
    organisations: z.number().int(),
    people: z.number().int(),
    mandates: z.number().int(),
    interactions: z.number().int(),
  })
  .openapi('SearchCounts', {
    description:
      'Matches per type among the records you may read, counted up to 1000 (1000 means "1000 or more")',
  });

export const searchResponseSchema = z
  .object({
    query: z.string(),
    types: z.array(z.enum(SEARCH_TYPES)).openapi({ description: 'The types searched' }),
    results: z.object({
      organisations: z.array(organisationHitSchema),
      people: z.array(personHitSchema),
      mandates: z.array(mandateHitSchema),
      interactions: z.array(interactionHitSchema),
    }),
    counts,
    didYouMean,
    nextCursor: z.string().nullable().openapi({ description: 'The next page of every type that has more' }),
  })
  .openapi('SearchResults');

const entityPageSchema = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      query: z.string(),
      data: z.array(item),
      count: z
        .number()
        .int()
        .openapi({ description: 'Matches among the records you may read, up to 1000 ("1000 or more")' }),
      didYouMean,
      nextCursor: z.string().nullable(),
    })
    .openapi(name);

export const organisationSearchPageSchema = entityPageSchema(organisationHitSchema, 'OrganisationSearchPage');
export const personSearchPageSchema = entityPageSchema(personHitSchema, 'PersonSearchPage');
export const mandateSearchPageSchema = entityPageSchema(mandateHitSchema, 'MandateSearchPage');

const suggestion = z
  .object({
    id: z.uuid(),
    label: z.string(),
    detail: z
      .string()
      .nullable()
      .openapi({ description: 'City, job title or number, to tell namesakes apart' }),
    highlight: z.string().openapi({ description: 'HTML: the escaped label with <mark> around matches' }),
    match: z.enum(['text', 'fuzzy']),
  })
  .openapi('SearchSuggestion');

export const autocompleteResponseSchema = z
  .object({
    query: z.string(),
    results: z.object({
      organisations: z.array(suggestion),
      people: z.array(suggestion),
      mandates: z.array(suggestion),
    }),
    didYouMean,
  })
  .openapi('SearchSuggestions');

export type OrganisationHit = z.infer<typeof organisationHitSchema>;
export type PersonHit = z.infer<typeof personHitSchema>;
export type MandateHit = z.infer<typeof mandateHitSchema>;
export type InteractionHit = z.infer<typeof interactionHitSchema>;
export type Suggestion = z.infer<typeof suggestion>;
