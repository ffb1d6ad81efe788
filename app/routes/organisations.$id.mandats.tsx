import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import { MandateStatusPill } from '~/components/crm/badges';
import { EmptyState } from '~/components/crm/list';
import { Section } from '~/components/crm/record';
import { useOrganisation } from '~/components/crm/use-organisation';
import { requireActorDeps } from '~/lib/auth.server';
import { MANDATE_STATUSES, MANDATE_TYPES, oneOf } from '~/lib/crm.constants';
import { getOrganisation, hasPermission, listMandates } from '~/lib/crm.server';
import { formatAmount, formatDay } from '~/lib/crm-format';
import { isUuid } from '~/lib/crm-list';
import { loaderGuard, notFound } from '~/lib/errors.server';
import { useLocale } from '~/lib/i18n';
import { useCrmT } from '~/lib/i18n-crm';

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const id = params.id;
  if (!isUuid(id)) notFound();
  const page = await loaderGuard(request, async () => {
    await getOrganisation(deps, id);
    return listMandates(deps, { organisationId: id, limit: 200, sort: '-updatedAt' });
  });
  return {
    mandates: page.data.map((mandate) => ({
      id: mandate.id,
      number: mandate.number,
      title: mandate.title,
      type: oneOf(MANDATE_TYPES, mandate.type, 'other'),
      status: oneOf(MANDATE_STATUSES, mandate.status, 'draft'),
      amount: mandate.amount,
      currency: mandate.currency,
      nextReviewAt: mandate.nextReviewAt,
    })),
    canCreate: hasPermission(deps.actor, 'mandates', 'create'),
  };
}

/** Mandats: the organisation's mandates, most recently updated first. */
export default function OrganisationMandates() {
  const { mandates, canCreate } = useLoaderData<typeof loader>();
  const { organisation } = useOrganisation();
  const ct = useCrmT();
  const locale = useLocale();
  return (
    <Section
      id="org-mandates"
      title={ct('org.tab.mandates')}
      actions={
        canCreate ? (
          <Link to={`/mandats/new?organisation=${organisation.id}`} className="button button--secondary">
            + {ct('mandates.new')}
          </Link>
        ) : null
      }
    >
      {mandates.length === 0 ? (
        <EmptyState message={ct('org.mandates.empty')} />
      ) : (
        <div className="table-wrap">
          <table className="table table--stack table--cards">
            <caption className="visually-hidden">
              {ct('org.mandates.caption', { name: organisation.name })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{ct('mandates.col.title')}</th>
                <th scope="col">{ct('mandates.col.type')}</th>
                <th scope="col">{ct('mandates.col.status')}</th>
                <th scope="col">{ct('mandates.col.amount')}</th>
                <th scope="col">{ct('mandates.col.review')}</th>
              </tr>
            </thead>
            <tbody>
              {mandates.map((mandate) => (
                <tr key={mandate.id}>
                  <th scope="row">
                    <span className="record-name">
                      <Link to={`/mandats/${mandate.id}`}>{mandate.title}</Link>
                      <span className="record-name__meta">{mandate.number}</span>
                    </span>
                  </th>
                  <td data-label={ct('mandates.col.type')}>{ct(`mandateType.${mandate.type}`)}</td>
                  <td data-label={ct('mandates.col.status')}>
                    <MandateStatusPill status={mandate.status} />
                  </td>
                  <td data-label={ct('mandates.col.amount')} className="numeric">
                    {mandate.amount
                      ? formatAmount(locale, mandate.amount, mandate.currency)
                      : ct('crm.empty')}
                  </td>
                  <td data-label={ct('mandates.col.review')} className="nowrap">
                    {mandate.nextReviewAt ? formatDay(locale, mandate.nextReviewAt) : ct('crm.empty')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
