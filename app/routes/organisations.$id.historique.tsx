import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { Pagination } from '~/components/crm/list';
import { Section } from '~/components/crm/record';
import { Timeline } from '~/components/crm/timeline';
import { localeOf, requireActorDeps } from '~/lib/auth.server';
import { getOrganisation, listTimeline } from '~/lib/crm.server';
import { isUuid, param } from '~/lib/crm-list';
import { timelineView } from '~/lib/crm-views.server';
import { loaderGuard, notFound } from '~/lib/errors.server';
import { useCrmT } from '~/lib/i18n-crm';

const PAGE_SIZE = 25;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const id = params.id;
  if (!isUuid(id)) notFound();
  const cursor = param(new URL(request.url).searchParams, 'cursor', 500);
  const page = await loaderGuard(request, async () => {
    // The history inherits the organisation's visibility.
    await getOrganisation(deps, id);
    return listTimeline(deps.db, 'organisation', id, { limit: PAGE_SIZE, cursor });
  });
  return {
    items: await timelineView(deps, page.data, { entityType: 'organisation', locale: localeOf(context) }),
    nextCursor: page.nextCursor,
  };
}

/** Historique: every change to the organisation, who made it, and each field's before and after. */
export default function OrganisationHistory() {
  const { items, nextCursor } = useLoaderData<typeof loader>();
  const ct = useCrmT();
  return (
    <Section id="org-history" title={ct('org.tab.history')}>
      <Timeline items={items} />
      <Pagination nextCursor={nextCursor} />
    </Section>
  );
}
