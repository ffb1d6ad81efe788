import { crmFailure } from './crm-actions.server';
import { isUuid } from './crm-list';
import { invalidForm } from './errors.server';
import type { Translate } from './i18n';
import type { CrmTranslate } from './i18n-crm';

/**
 * The action of a list page's bin: `intent=restore` with the record's `id`,
 * through the entity's own restore service (permission, scope, timeline and
 * event as in the API). Answers what RestoreOutcome shows.
 */
export async function restoreFromBin(
  form: FormData,
  request: Request,
  restore: (id: string) => Promise<{ name: string }>,
  { t, ct }: { t: Translate; ct: CrmTranslate },
) {
  const intent = String(form.get('intent') ?? '');
  const id = form.get('id');
  if (intent !== 'restore' || !isUuid(id)) {
    return invalidForm({ ok: false, formError: t('errors.generic'), fieldErrors: {} });
  }
  try {
    const { name } = await restore(id);
    return { ok: true as const, id, message: ct('bin.restored', { name }) };
  } catch (error) {
    return crmFailure(error, request, { t, ct, intent, id });
  }
}
