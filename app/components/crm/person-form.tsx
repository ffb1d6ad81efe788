import { useMemo } from 'react';
import { SelectField, TextField } from '~/components/form';
import { LANGUAGES } from '~/lib/crm.constants';
import { personForm } from '~/lib/crm.forms';
import { useCrmT } from '~/lib/i18n-crm';
import { FormSection, TextAreaField } from './fields';
import { RecordForm, type RecordFormFailure } from './record-form';

export interface PersonFormValues {
  firstName: string;
  lastName: string;
  jobTitle: string | null;
  workEmail: string | null;
  personalEmail: string | null;
  workPhone: string | null;
  mobilePhone: string | null;
  language: string;
  city: string | null;
  notes: string | null;
}

/** Create and edit a person; editing sends its version (If-Match) and explains a 412. */
export function PersonForm({
  values,
  failure,
  submitLabel,
  cancelTo,
  version,
}: {
  values: PersonFormValues | null;
  failure?: RecordFormFailure;
  submitLabel: string;
  cancelTo: string;
  version?: number;
}) {
  const ct = useCrmT();
  const schema = useMemo(() => personForm(ct), [ct]);
  return (
    <RecordForm
      schema={schema}
      failure={failure}
      version={version}
      submitLabel={submitLabel}
      cancelTo={cancelTo}
    >
      <FormSection title={ct('orgForm.identity')}>
        <div className="field-row">
          <TextField
            label={ct('person.firstName')}
            name="firstName"
            defaultValue={values?.firstName ?? ''}
            required
            maxLength={100}
            autoComplete="off"
          />
          <TextField
            label={ct('person.lastName')}
            name="lastName"
            defaultValue={values?.lastName ?? ''}
            required
            maxLength={100}
            autoComplete="off"
          />
        </div>
        <div className="field-row">
          <TextField
            label={ct('person.jobTitle')}
            name="jobTitle"
            defaultValue={values?.jobTitle ?? ''}
            optional
            maxLength={200}
          />
          <SelectField label={ct('person.language')} name="language" defaultValue={values?.language ?? 'fr'}>
            {LANGUAGES.map((language) => (
              <option key={language} value={language}>
                {ct(`language.${language}`)}
              </option>
            ))}
          </SelectField>
        </div>
      </FormSection>
      <FormSection title={ct('person.contact')}>
        <div className="field-row">
          <TextField
            label={ct('person.workEmail')}
            name="workEmail"
            type="email"
            defaultValue={values?.workEmail ?? ''}
            optional
            maxLength={254}
            autoComplete="off"
          />
          <TextField
            label={ct('person.personalEmail')}
            name="personalEmail"
            type="email"
            defaultValue={values?.personalEmail ?? ''}
            optional
            maxLength={254}
            autoComplete="off"
          />
        </div>
        <div className="field-row">
          <TextField
            label={ct('person.workPhone')}
            name="workPhone"
            type="tel"
            defaultValue={values?.workPhone ?? ''}
            optional
            maxLength={40}
          />
          <TextField
            label={ct('person.mobilePhone')}
            name="mobilePhone"
            type="tel"
            defaultValue={values?.mobilePhone ?? ''}
            optional
            maxLength={40}
          />
          <TextField
            label={ct('person.city')}
            name="city"
            defaultValue={values?.city ?? ''}
            optional
            maxLength={120}
          />
        </div>
      </FormSection>
      <TextAreaField
        label={ct('person.notes')}
        name="notes"
        defaultValue={values?.notes ?? ''}
        optional
        rows={4}
      />
    </RecordForm>
  );
}
