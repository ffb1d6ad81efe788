import { createRoute, type z } from '@hono/zod-openapi';
import { cachedAutocomplete } from '../../lib/cache-tags';
import { actorDepsOf, createRouter } from '../../lib/context';
import { json, problemResponses } from '../../lib/openapi';
import {
  autocompleteQuery,
  autocompleteResponseSchema,
  mandateSearchPageSchema,
  organisationSearchPageSchema,
  personSearchPageSchema,
  searchMandatesQuery,
  searchOrganisationsQuery,
  searchPeopleQuery,
  searchQuery,
  searchResponseSchema,
} from './search.schemas';
import { autocomplete, search, searchMandates, searchOrganisations, searchPeople } from './search.service';

const TAG = 'Search';

export const searchRoutes = createRouter();

searchRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: [TAG],
    summary: 'Search organisations, people, mandates and interactions at once (the ones you may read)',
    description:
      'Full text, accent-insensitive, names ranked first; typo-tolerant when few records match. ' +
      'Highlights are HTML-escaped with <mark> around matches.',
    request: { query: searchQuery },
    responses: {
      200: { description: 'Hits per type, best first', content: json(searchResponseSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await search(actorDepsOf(c), c.req.valid('query')), 200),
);

searchRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/autocomplete',
    tags: [TAG],
    summary: 'Suggestions while typing: names only, from 2 characters, at most 10, grouped by type',
    request: { query: autocompleteQuery },
    responses: {
      200: { description: 'Suggestions', content: json(autocompleteResponseSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const deps = actorDepsOf(c);
    const query = c.req.valid('query');
    c.header('Cache-Control', 'private, no-cache');
    const load = () => autocomplete(deps, query);
    return c.json(await cachedAutocomplete(deps.cache, deps.actor, { query, load }), 200);
  },
);

searchRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/organisations',
    tags: [TAG],
    summary: 'Search organisations with filters (cursor pagination)',
    request: { query: searchOrganisationsQuery },
    responses: {
      200: { description: 'A page of hits, best first', content: json(organisationSearchPageSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await searchOrganisations(actorDepsOf(c), c.req.valid('query')), 200),
);

searchRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/people',
    tags: [TAG],
    summary: 'Search people with filters (cursor pagination)',
    request: { query: searchPeopleQuery },
    responses: {
      200: { description: 'A page of hits, best first', content: json(personSearchPageSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await searchPeople(actorDepsOf(c), c.req.valid('query')), 200),
);

searchRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/mandates',
    tags: [TAG],
    summary: 'Search mandates with filters (cursor pagination)',
    request: { query: searchMandatesQuery },
    responses: {
      200: { description: 'A page of hits, best first', content: json(mandateSearchPageSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await searchMandates(actorDepsOf(c), c.req.valid('query')), 200),
);
