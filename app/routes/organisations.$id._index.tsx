import { OrganisationStatusPill, StageBadge } from '~/components/crm/badges';
import { DetailList, Section } from '~/components/crm/record';
import { useOrganisation } from '~/components/crm/use-organisation';
import { formatAmount } from '~/lib/crm-format';
import { formatDate, useLocale } from '~/lib/i18n';
import { useCrmT } from '~/lib/i18n-crm';

function websiteHref(website: string): string {
  return /^https?:\/\//i.test(website) ? website : `https://${website}`;
}

/** Aperçu: the organisation's fields and notes. */
export default function OrganisationOverview() {
  const { organisation, stage, ownerName } = useOrganisation();
  const ct = useCrmT();
  const locale = useLocale();
  return (
    <div className="record-grid">
      <Section id="org-details" title={ct('org.details')}>
        <DetailList
          items={[
            { label: ct('orgForm.legalName'), value: organisation.legalName },
            {
              label: ct('orgForm.types'),
              value: organisation.types.map((type) => ct(`orgType.${type}`)).join(', '),
            },
            {
              label: ct('orgForm.category'),
              value: organisation.category ? ct(`orgCategory.${organisation.category}`) : null,
            },
            { label: ct('orgForm.status'), value: <OrganisationStatusPill status={organisation.status} /> },
            {
              label: ct('orgForm.stage'),
              value: stage ? <StageBadge name={stage.name} color={stage.color} /> : ct('orgs.noStage'),
            },
            {
              label: ct('orgForm.aum'),
              value: organisation.aum
                ? formatAmount(locale, organisation.aum.amount, organisation.aum.currency, { compact: false })
                : null,
            },
            { label: ct('crm.owner'), value: ownerName },
            { label: ct('org.createdAt'), value: formatDate(locale, organisation.createdAt, true) },
            { label: ct('org.updatedAt'), value: formatDate(locale, organisation.updatedAt, true) },
          ]}
        />
      </Section>
      <Section id="org-contact" title={ct('orgForm.contact')}>
        <DetailList
          items={[
            {
              label: ct('orgForm.website'),
              value: organisation.website ? (
                <a href={websiteHref(organisation.website)} rel="noopener noreferrer" target="_blank">
                  {organisation.websiteDomain ?? organisation.website}
                </a>
              ) : null,
            },
            {
              label: ct('orgForm.email'),
              value: organisation.email ? (
                <a href={`mailto:${organisation.email}`}>{organisation.email}</a>
              ) : null,
            },
            {
              label: ct('orgForm.phone'),
              value: organisation.phone ? (
                <a href={`tel:${organisation.phone.replace(/\s/g, '')}`}>{organisation.phone}</a>
              ) : null,
            },
            { label: ct('orgForm.address'), value: organisation.address },
            { label: ct('orgForm.city'), value: organisation.city },
            { label: ct('orgForm.country'), value: organisation.country },
          ]}
        />
        <h3 className="record-section__subtitle">{ct('orgForm.notes')}</h3>
        {organisation.notes ? (
          <p className="notes">{organisation.notes}</p>
        ) : (
          <p className="muted">{ct('org.noNotes')}</p>
        )}
      </Section>
    </div>
  );
}
