import { useMemo } from 'react';
import { SelectField, TextField } from '~/components/form';
import { ORGANISATION_CATEGORIES, ORGANISATION_STATUSES, ORGANISATION_TYPES } from '~/lib/crm.constants';
import { organisationForm } from '~/lib/crm.forms';
import { useCrmT } from '~/lib/i18n-crm';
import { CheckboxGroup, FormSection, TextAreaField } from './fields';
import { RecordForm, type RecordFormFailure } from './record-form';

/** The editable fields of an organisation, as the form shows them. */
export interface OrganisationFormValues {
  name: string;
  legalName: string | null;
  types: string[];
  category: string | null;
  status: string;
  pipelineStageId: string | null;
  country: string | null;
  city: string | null;
  address: string | null;
  website: string | null;
  email: string | null;
  phone: string | null;
  aum: { amount: string; currency: string } | null;
  notes: string | null;
}

/**
 * Create and edit share this form. Editing sends the version it was built
 * from (If-Match); a 412 shows `conflict` with a link to reload.
 */
export function OrganisationForm({
  values,
  stages,
  failure,
  submitLabel,
  cancelTo,
  version,
}: {
  values: OrganisationFormValues | null;
  stages: { id: string; name: string }[];
  failure?: RecordFormFailure;
  submitLabel: string;
  cancelTo: string;
  version?: number;
}) {
  const ct = useCrmT();
  const schema = useMemo(() => organisationForm(ct), [ct]);
  const amount = values?.aum ? String(Number(values.aum.amount)) : '';

  return (
    <RecordForm
      schema={schema}
      arrays={['types']}
      failure={failure}
      version={version}
      submitLabel={submitLabel}
      cancelTo={cancelTo}
    >
      <FormSection title={ct('orgForm.identity')}>
        <div className="field-row">
          <TextField
            label={ct('orgForm.name')}
            name="name"
            defaultValue={values?.name ?? ''}
            required
            maxLength={200}
            autoComplete="organization"
          />
          <TextField
            label={ct('orgForm.legalName')}
            name="legalName"
            defaultValue={values?.legalName ?? ''}
            optional
            maxLength={250}
          />
        </div>
        <CheckboxGroup
          legend={ct('orgForm.types')}
          name="types"
          hint={ct('orgForm.typesHint')}
          defaultValues={values?.types ?? ['investor']}
          options={ORGANISATION_TYPES.map((type) => ({ value: type, label: ct(`orgType.${type}`) }))}
        />
        <SelectField
          label={ct('orgForm.category')}
          name="category"
          defaultValue={values?.category ?? ''}
          optional
        >
          <option value="">{ct('orgForm.noCategory')}</option>
          {ORGANISATION_CATEGORIES.map((category) => (
            <option key={category} value={category}>
              {ct(`orgCategory.${category}`)}
            </option>
          ))}
        </SelectField>
      </FormSection>

      <FormSection title={ct('orgForm.business')}>
        <div className="field-row">
          <SelectField label={ct('orgForm.status')} name="status" defaultValue={values?.status ?? 'prospect'}>
            {ORGANISATION_STATUSES.map((status) => (
              <option key={status} value={status}>
                {ct(`orgStatus.${status}`)}
              </option>
            ))}
          </SelectField>
          <SelectField
            label={ct('orgForm.stage')}
            name="pipelineStageId"
            defaultValue={values?.pipelineStageId ?? ''}
            optional
          >
            <option value="">{ct('orgs.noStage')}</option>
            {stages.map((stage) => (
              <option key={stage.id} value={stage.id}>
                {stage.name}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="field-row">
          <TextField
            label={ct('orgForm.aum')}
            name="aumAmount"
            defaultValue={amount}
            inputMode="decimal"
            hint={ct('orgForm.aumHint')}
            optional
          />
          <TextField
            label={ct('orgForm.currency')}
            name="aumCurrency"
            defaultValue={values?.aum?.currency ?? 'EUR'}
            maxLength={3}
            className="input--short"
          />
        </div>
      </FormSection>

      <FormSection title={ct('orgForm.contact')}>
        <div className="field-row">
          <TextField
            label={ct('orgForm.website')}
            name="website"
            type="url"
            defaultValue={values?.website ?? ''}
            optional
            maxLength={300}
            autoComplete="url"
          />
          <TextField
            label={ct('orgForm.email')}
            name="email"
            type="email"
            defaultValue={values?.email ?? ''}
            optional
            maxLength={254}
          />
          <TextField
            label={ct('orgForm.phone')}
            name="phone"
            type="tel"
            defaultValue={values?.phone ?? ''}
            optional
            maxLength={40}
          />
        </div>
        <TextField
          label={ct('orgForm.address')}
          name="address"
          defaultValue={values?.address ?? ''}
          optional
          maxLength={500}
        />
        <div className="field-row">
          <TextField
            label={ct('orgForm.city')}
            name="city"
            defaultValue={values?.city ?? ''}
            optional
            maxLength={120}
          />
          <TextField
            label={ct('orgForm.country')}
            name="country"
            defaultValue={values?.country ?? 'FR'}
            hint={ct('orgForm.countryHint')}
            optional
            maxLength={2}
          />
        </div>
      </FormSection>

      <TextAreaField
        label={ct('orgForm.notes')}
        name="notes"
        defaultValue={values?.notes ?? ''}
        optional
        rows={4}
      />
    </RecordForm>
  );
}
