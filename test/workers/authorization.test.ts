import { afterAll, beforeAll } from 'vitest';
import { AFFILIATION_ROUTES } from './matrix/affiliations.routes';
import { CACHE_ROUTES } from './matrix/cache.routes';
import { EMAIL_ROUTES } from './matrix/email.routes';
import { EXPORT_ROUTES } from './matrix/exports.routes';
import { IDENTITY_ROUTES } from './matrix/identity.routes';
import { IMPORT_ROUTES } from './matrix/imports.routes';
import { INTERACTION_ROUTES } from './matrix/interactions.routes';
import { MANDATE_ROUTES } from './matrix/mandates.routes';
import { NOTIFICATION_ROUTES } from './matrix/notifications.routes';
import { ORGANISATION_ROUTES } from './matrix/organisations.routes';
import { PEOPLE_ROUTES } from './matrix/people.routes';
import { PIPELINE_ROUTES } from './matrix/pipeline.routes';
import { SEARCH_ROUTES } from './matrix/search.routes';
import { TASK_ROUTES } from './matrix/tasks.routes';
import { WEBHOOK_ROUTES } from './matrix/webhooks.routes';
import { runAuthorizationMatrix } from './support/authorization-matrix';
import { createTestDatabase } from './support/helpers';
import { createIdentityFixture, type IdentityFixture } from './support/identity-fixture';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fx: IdentityFixture;
beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createIdentityFixture(database.url);
});
afterAll(async () => {
  await database.drop();
});

/** Every module's routes; a route missing here fails the OpenAPI coverage check. */
runAuthorizationMatrix(
  [
    ...EMAIL_ROUTES,
    ...IDENTITY_ROUTES,
    ...ORGANISATION_ROUTES,
    ...MANDATE_ROUTES,
    ...INTERACTION_ROUTES,
    ...TASK_ROUTES,
    ...PIPELINE_ROUTES,
    ...PEOPLE_ROUTES,
    ...AFFILIATION_ROUTES,
    ...SEARCH_ROUTES,
    ...IMPORT_ROUTES,
    ...WEBHOOK_ROUTES,
    ...CACHE_ROUTES,
    ...NOTIFICATION_ROUTES,
    ...EXPORT_ROUTES,
  ],
  () => fx,
);
