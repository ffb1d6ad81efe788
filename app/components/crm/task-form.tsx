import { useActionData } from '@remix-run/react';
import { useMemo } from 'react';
import { SubmitButton, useSubmitting } from '~/components/buttons';
import { Notice, SelectField, TextField, ValidatedForm } from '~/components/form';
import { TASK_PRIORITIES } from '~/lib/crm.constants';
import { taskForm } from '~/lib/crm.forms';
import { failureFor } from '~/lib/forms';
import { useT } from '~/lib/i18n';
import { useCrmT } from '~/lib/i18n-crm';
import { TextAreaField } from './fields';

/**
 * "Nouvelle tâche" behind a disclosure: posts `intent=createTask` to the
 * page's action, which links the task to the page's record and assigns it to
 * the author.
 */
export function NewTask({ lead }: { lead?: string }) {
  const t = useT();
  const ct = useCrmT();
  const result = useActionData<{ ok: boolean; intent?: string; message?: string }>();
  const schema = useMemo(() => taskForm(ct), [ct]);
  const saving = useSubmitting('createTask');
  const failure = failureFor(result, 'createTask');
  const created = result?.ok && result.intent === 'createTask' ? result : null;
  return (
    <>
      {created?.message ? <Notice>{created.message}</Notice> : null}
      <details className="disclosure" open={failure ? true : undefined}>
        <summary className="button button--primary">+ {ct('tasks.new')}</summary>
        <div className="disclosure__body">
          <p className="panel__lead">{lead ?? ct('tasks.newLead')}</p>
          <ValidatedForm method="post" schema={schema} failure={failure} resetKey={created} className="stack">
            <input type="hidden" name="intent" value="createTask" />
            <TextField label={ct('tasks.title')} name="title" required maxLength={300} />
            <div className="field-row">
              <TextField label={ct('tasks.dueDate')} name="dueDate" type="date" optional />
              <SelectField label={ct('tasks.priority')} name="priority" defaultValue="normal">
                {TASK_PRIORITIES.map((priority) => (
                  <option key={priority} value={priority}>
                    {ct(`taskPriority.${priority}`)}
                  </option>
                ))}
              </SelectField>
            </div>
            <TextAreaField label={ct('tasks.description')} name="description" optional rows={3} />
            <div className="form-actions">
              <SubmitButton pending={saving} pendingLabel={t('common.saving')}>
                {ct('tasks.create')}
              </SubmitButton>
            </div>
          </ValidatedForm>
        </div>
      </details>
    </>
  );
}
