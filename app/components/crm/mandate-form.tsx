import { useMemo } from 'react';
import { SelectField, TextField } from '~/components/form';
import { MANDATE_TYPES } from '~/lib/crm.constants';
import { mandateForm } from '~/lib/crm.forms';
import { useCrmT } from '~/lib/i18n-crm';
import { FormSection, TextAreaField } from './fields';
import { RecordForm, type RecordFormFailure } from './record-form';

export interface MandateFormValues {
  organisationId: string;
  title: string;
  type: string;
  amount: string | null;
  currency: string;
  managementFeeBps: number | null;
  performanceFeePct: number | null;
  startDate: string | null;
  endDate: string | null;
  nextReviewAt: string | null;
  products: string[];
  feeNotes: string | null;
}

/** Create and edit a mandate's terms; the status moves only through the lifecycle actions. */
export function MandateForm({
  values,
  organisations,
  failure,
  submitLabel,
  cancelTo,
  version,
}: {
  values: Partial<MandateFormValues> | null;
  /** The organisations it may belong to (the current one included). */
  organisations: { id: string; name: string }[];
  failure?: RecordFormFailure;
  submitLabel: string;
  cancelTo: string;
  version?: number;
}) {
  const ct = useCrmT();
  const schema = useMemo(() => mandateForm(ct), [ct]);
  return (
    <RecordForm
      schema={schema}
      failure={failure}
      version={version}
      submitLabel={submitLabel}
      cancelTo={cancelTo}
    >
      <FormSection title={ct('mandateForm.general')}>
        <SelectField
          label={ct('field.organisationId')}
          name="organisationId"
          defaultValue={values?.organisationId ?? ''}
          required
        >
          <option value="">{ct('mandateForm.chooseOrganisation')}</option>
          {organisations.map((organisation) => (
            <option key={organisation.id} value={organisation.id}>
              {organisation.name}
            </option>
          ))}
        </SelectField>
        <div className="field-row">
          <TextField
            label={ct('field.title')}
            name="title"
            defaultValue={values?.title ?? ''}
            required
            maxLength={200}
          />
          <SelectField label={ct('field.type')} name="type" defaultValue={values?.type ?? 'discretionary'}>
            {MANDATE_TYPES.map((type) => (
              <option key={type} value={type}>
                {ct(`mandateType.${type}`)}
              </option>
            ))}
          </SelectField>
        </div>
        <p className="field__hint">{ct('mandateForm.statusHint')}</p>
      </FormSection>

      <FormSection title={ct('mandateForm.terms')}>
        <div className="field-row">
          <TextField
            label={ct('field.amount')}
            name="amount"
            defaultValue={values?.amount ? String(Number(values.amount)) : ''}
            inputMode="decimal"
            hint={ct('orgForm.aumHint')}
            optional
          />
          <TextField
            label={ct('field.currency')}
            name="currency"
            defaultValue={values?.currency ?? 'EUR'}
            maxLength={3}
            className="input--short"
          />
        </div>
        <div className="field-row">
          <TextField
            label={ct('mandateForm.feeBps')}
            name="managementFeeBps"
            defaultValue={values?.managementFeeBps ?? ''}
            inputMode="numeric"
            hint={ct('mandateForm.feeBpsHint')}
            optional
          />
          <TextField
            label={ct('mandateForm.perfPct')}
            name="performanceFeePct"
            defaultValue={values?.performanceFeePct ?? ''}
            inputMode="decimal"
            optional
          />
        </div>
        <TextField
          label={ct('mandateForm.products')}
          name="products"
          defaultValue={values?.products?.join(', ') ?? ''}
          hint={ct('mandateForm.productsHint')}
          optional
        />
        <TextAreaField
          label={ct('mandate.feeNotes')}
          name="feeNotes"
          defaultValue={values?.feeNotes ?? ''}
          optional
          rows={3}
          maxLength={5_000}
        />
      </FormSection>

      <FormSection title={ct('mandateForm.dates')}>
        <div className="field-row">
          <TextField
            label={ct('field.startDate')}
            name="startDate"
            type="date"
            defaultValue={values?.startDate ?? ''}
            optional
            className="input--date"
          />
          <TextField
            label={ct('field.endDate')}
            name="endDate"
            type="date"
            defaultValue={values?.endDate ?? ''}
            optional
            className="input--date"
          />
          <TextField
            label={ct('field.nextReviewAt')}
            name="nextReviewAt"
            type="date"
            defaultValue={values?.nextReviewAt ?? ''}
            optional
            className="input--date"
          />
        </div>
      </FormSection>
    </RecordForm>
  );
}
