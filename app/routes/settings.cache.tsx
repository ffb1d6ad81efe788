import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { ConfirmButton, SubmitButton, useSubmitting } from '~/components/buttons';
import { FormAlert, Notice, SelectField, TextField } from '~/components/form';
import { Panel } from '~/components/page';
import { localeOf, requireAdminDeps, translatorFor } from '~/lib/auth.server';
import { formatNumber } from '~/lib/crm-format';
import { actionFailure, invalidForm, loaderGuard } from '~/lib/errors.server';
import { useLocale } from '~/lib/i18n';
import { type CacheKey, cacheTranslator, useCacheT } from '~/lib/i18n-cache';
import { pageTitle } from '~/lib/meta';
import { CACHE_TAG_PATTERN } from '../../worker/modules/cache/cache.schemas';
import { flushCacheTag, readCacheStats, resetCacheStats } from '../../worker/modules/cache/cache.service';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'settings.title');

/** Tags offered in the list; any other valid tag can be typed. */
const TAG_CHOICES: { tag: string; label: CacheKey }[] = [
  { tag: 'all', label: 'cache.tag.all' },
  { tag: 'type:organisation', label: 'cache.tag.organisation' },
  { tag: 'type:person', label: 'cache.tag.person' },
  { tag: 'type:mandate', label: 'cache.tag.mandate' },
  { tag: 'type:interaction', label: 'cache.tag.interaction' },
  { tag: 'type:task', label: 'cache.tag.task' },
  { tag: 'cfg:pipeline', label: 'cache.tag.pipeline' },
];
const TOP_PREFIXES = 12;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireAdminDeps(request, context);
  const stats = await loaderGuard(request, () => readCacheStats(deps));
  return { ...stats, prefixes: stats.prefixes.slice(0, TOP_PREFIXES) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const deps = requireAdminDeps(request, context);
  const t = translatorFor(context);
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  if (intent === 'flush') {
    const custom = String(form.get('custom') ?? '').trim();
    const tag = custom || String(form.get('tag') ?? '');
    if (!CACHE_TAG_PATTERN.test(tag)) {
      const message = cacheTranslator(localeOf(context))('cache.flush.invalid');
      return invalidForm({ ok: false, intent, formError: null, fieldErrors: { custom: message } });
    }
    try {
      await flushCacheTag(deps, tag);
      return { ok: true as const, intent, tag };
    } catch (error) {
      return actionFailure(error, request, { t, intent });
    }
  }
  if (intent === 'reset') {
    try {
      await resetCacheStats(deps);
      return { ok: true as const, intent, tag: '' };
    } catch (error) {
      return actionFailure(error, request, { t, intent });
    }
  }
  return invalidForm({ ok: false, formError: t('errors.generic'), fieldErrors: {} });
}

function percent(locale: string, rate: number | null): string {
  if (rate === null) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(rate);
}

export default function CacheSettings() {
  const stats = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useCacheT();
  const locale = useLocale();
  const flushing = useSubmitting('flush');
  const resetting = useSubmitting('reset');
  const lookups = stats.totals.hits + stats.totals.misses;
  const failure = result && !result.ok ? result : null;
  const customError = failure?.fieldErrors?.custom;
  return (
    <div className="stack">
      <Panel id="cache-status" title={t('cache.title')} lead={t('cache.lead')}>
        <p className={`pill pill--${stats.status === 'ok' ? 'success' : 'warning'}`} role="status">
          {t(`cache.status.${stats.status}`)}
        </p>
        <dl className="detail-list">
          <div className="detail-list__item">
            <dt>{t('cache.hitRate')}</dt>
            <dd data-testid="cache-hit-rate">{percent(locale, stats.totals.hitRate)}</dd>
          </div>
          <div className="detail-list__item">
            <dt>{t('cache.lookups')}</dt>
            <dd>{formatNumber(locale, lookups)}</dd>
          </div>
          <div className="detail-list__item">
            <dt>{t('cache.avgLoad')}</dt>
            <dd>
              {stats.totals.avgLoadMs === null
                ? '—'
                : t('cache.ms', { value: formatNumber(locale, stats.totals.avgLoadMs) })}
            </dd>
          </div>
        </dl>
        <p className="muted">
          {t('cache.ttl', {
            detail: stats.ttlSeconds.detail ?? 0,
            list: stats.ttlSeconds.list ?? 0,
            dashboard: stats.ttlSeconds.dashboard ?? 0,
            autocomplete: stats.ttlSeconds.autocomplete ?? 0,
          })}
        </p>
      </Panel>

      <Panel id="cache-prefixes" title={t('cache.prefixes')}>
        {stats.prefixes.length === 0 ? (
          <p className="muted">{t('cache.none')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table table--stack">
              <thead>
                <tr>
                  <th scope="col">{t('cache.col.prefix')}</th>
                  <th scope="col">{t('cache.col.hits')}</th>
                  <th scope="col">{t('cache.col.misses')}</th>
                  <th scope="col">{t('cache.col.hitRate')}</th>
                  <th scope="col">{t('cache.col.errors')}</th>
                  <th scope="col">{t('cache.col.avgLoad')}</th>
                </tr>
              </thead>
              <tbody>
                {stats.prefixes.map((row) => (
                  <tr key={row.prefix}>
                    <th scope="row">
                      <code>{row.prefix}</code>
                    </th>
                    <td data-label={t('cache.col.hits')}>{formatNumber(locale, row.hits)}</td>
                    <td data-label={t('cache.col.misses')}>{formatNumber(locale, row.misses)}</td>
                    <td data-label={t('cache.col.hitRate')}>{percent(locale, row.hitRate)}</td>
                    <td data-label={t('cache.col.errors')}>{formatNumber(locale, row.errors)}</td>
                    <td data-label={t('cache.col.avgLoad')}>
                      {row.avgLoadMs === null
                        ? '—'
                        : t('cache.ms', { value: formatNumber(locale, row.avgLoadMs) })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {result?.ok && result.intent === 'reset' ? <Notice>{t('cache.reset.done')}</Notice> : null}
        <Form method="post">
          <SubmitButton name="intent" value="reset" variant="secondary" pending={resetting}>
            {t('cache.reset')}
          </SubmitButton>
        </Form>
      </Panel>

      <Panel id="cache-flush" title={t('cache.flush.title')} lead={t('cache.flush.lead')}>
        {result?.ok && result.intent === 'flush' ? (
          <Notice>{t('cache.flush.done', { tag: result.tag })}</Notice>
        ) : null}
        {failure?.formError ? <FormAlert message={failure.formError} /> : null}
        <Form method="post" id="cache-flush-form" className="form-grid">
          <SelectField label={t('cache.flush.tag')} name="tag" defaultValue="all">
            {TAG_CHOICES.map((choice) => (
              <option key={choice.tag} value={choice.tag}>
                {t(choice.label)}
              </option>
            ))}
          </SelectField>
          <TextField
            label={t('cache.flush.custom')}
            name="custom"
            optional
            hint={t('cache.flush.customHint')}
            error={customError}
            autoComplete="off"
            spellCheck={false}
          />
          <div>
            <ConfirmButton
              label={t('cache.flush.submit')}
              title={t('cache.flush.confirmTitle')}
              message={t('cache.flush.confirm')}
              confirmLabel={t('cache.flush.submit')}
              name="intent"
              value="flush"
              form="cache-flush-form"
              pending={flushing}
            />
          </div>
        </Form>
      </Panel>
    </div>
  );
}
