import type {
  ActionFunctionArgs,
  AppLoadContext,
  LoaderFunctionArgs,
  MetaFunction,
} from '@remix-run/cloudflare';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { ConfirmButton, CopyButton, SubmitButton } from '~/components/buttons';
import { FormAlert, Notice, TextField } from '~/components/form';
import { Panel } from '~/components/page';
import { requireAdminDeps, translatorFor } from '~/lib/auth.server';
import { actionFailure, forbidden, invalidForm, loaderGuard } from '~/lib/errors.server';
import { failureFor } from '~/lib/forms';
import { formatDate, useLocale } from '~/lib/i18n';
import { useWebhooksT, type WebhooksMessageKey } from '~/lib/i18n-webhooks';
import { pageTitle } from '~/lib/meta';
import { readConfig } from '../../worker/lib/config';
import { validationError } from '../../worker/lib/errors';
import { hasPermission } from '../../worker/modules/identity/actor';
import { WEBHOOK_EVENT_TYPES } from '../../worker/modules/webhooks/webhooks.events';
import {
  createEndpointSchema,
  DELIVERY_STATUSES,
  updateEndpointSchema,
} from '../../worker/modules/webhooks/webhooks.schemas';
import {
  createEndpoint,
  deleteEndpoint,
  getDelivery,
  listDeliveries,
  listEndpoints,
  replayDelivery,
  replayFailed,
  rotateSecret,
  sendTestEvent,
  updateEndpoint,
  type WebhookSettings,
} from '../../worker/modules/webhooks/webhooks.service';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'settings.title');

function settingsOf(context: AppLoadContext): WebhookSettings {
  const config = readConfig(context.cloudflare.env);
  return {
    environment: config.ENVIRONMENT,
    resolverUrl: config.WEBHOOK_DNS_RESOLVER_URL,
    queue: context.cloudflare.env.WEBHOOK_DELIVERIES_QUEUE,
  };
}

function adminDeps(request: Request, context: AppLoadContext) {
  const deps = requireAdminDeps(request, context);
  if (!hasPermission(deps.actor, 'settings', 'manage')) forbidden();
  return deps;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = adminDeps(request, context);
  const url = new URL(request.url);
  const selectedId = url.searchParams.get('endpoint');
  const status = url.searchParams.get('status');
  const eventType = url.searchParams.get('event') || undefined;
  const deliveryId = url.searchParams.get('delivery');
  return loaderGuard(request, async () => {
    const endpoints = (await listEndpoints(deps, { limit: 200 })).data;
    const selected = endpoints.find((endpoint) => endpoint.id === selectedId) ?? null;
    const deliveries = selected
      ? await listDeliveries(deps, selected.id, {
          limit: 50,
          cursor: url.searchParams.get('cursor') ?? undefined,
          status: (DELIVERY_STATUSES as readonly string[]).includes(status ?? '')
            ? (status as (typeof DELIVERY_STATUSES)[number])
            : undefined,
          eventType,
        })
      : null;
    const delivery = selected && deliveryId ? await getDelivery(deps, selected.id, deliveryId) : null;
    return { endpoints, selected, deliveries, delivery, eventTypes: [...WEBHOOK_EVENT_TYPES] };
  });
}

function eventsFrom(form: FormData): string[] {
  const custom = String(form.get('customEvents') ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
  return [...form.getAll('events').map(String), ...custom];
}

function endpointInput(form: FormData) {
  const rate = String(form.get('rateLimitPerSecond') ?? '').trim();
  return {
    url: String(form.get('url') ?? '').trim(),
    description: String(form.get('description') ?? '').trim() || null,
    events: eventsFrom(form),
    rateLimitPerSecond: rate === '' ? null : Number(rate),
    ed25519: form.get('ed25519') === 'on',
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const deps = adminDeps(request, context);
  const t = translatorFor(context);
  const settings = settingsOf(context);
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const id = String(form.get('id') ?? '');
  try {
    switch (intent) {
      case 'create': {
        const parsed = createEndpointSchema.safeParse(endpointInput(form));
        if (!parsed.success) throw validationError(parsed.error.issues);
        const created = await createEndpoint(deps, settings, parsed.data);
        return { ok: true as const, intent, id: created.id, url: created.url, secret: created.secret };
      }
      case 'update': {
        const parsed = updateEndpointSchema.safeParse(endpointInput(form));
        if (!parsed.success) throw validationError(parsed.error.issues);
        const updated = await updateEndpoint(deps, settings, id, parsed.data);
        return { ok: true as const, intent, id, url: updated.url };
      }
      case 'activate':
      case 'deactivate': {
        const updated = await updateEndpoint(deps, settings, id, { active: intent === 'activate' });
        return { ok: true as const, intent, id, url: updated.url };
      }
      case 'rotate': {
        const rotated = await rotateSecret(deps, id);
        return {
          ok: true as const,
          intent,
          id,
          url: String(form.get('url') ?? ''),
          secret: rotated.secret,
          until: rotated.previousSecretExpiresAt,
        };
      }
      case 'test': {
        await sendTestEvent(deps, settings, id);
        return { ok: true as const, intent, id, url: String(form.get('url') ?? '') };
      }
      case 'delete': {
        await deleteEndpoint(deps, id);
        return { ok: true as const, intent, id, url: String(form.get('url') ?? '') };
      }
      case 'replay': {
        await replayDelivery(deps, settings, id, String(form.get('deliveryId') ?? ''));
        return { ok: true as const, intent, id };
      }
      case 'replayFailed': {
        const since = new Date(String(form.get('since') ?? ''));
        if (Number.isNaN(since.getTime())) {
          throw validationError([{ path: ['since'], message: 'Invalid date', code: 'invalid_date' }]);
        }
        const { replayed } = await replayFailed(deps, settings, id, since.toISOString());
        return { ok: true as const, intent, id, count: replayed };
      }
      default:
        return invalidForm({ ok: false, formError: t('errors.generic'), fieldErrors: {} });
    }
  } catch (error) {
    return actionFailure(error, request, { t, intent, id });
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type EndpointView = LoaderData['endpoints'][number];

function statusLabel(endpoint: EndpointView): WebhooksMessageKey {
  if (endpoint.active) return 'wh.statusActive';
  if (endpoint.disabledReason === 'gone') return 'wh.statusGone';
  if (endpoint.disabledReason === 'failing') return 'wh.statusFailing';
  return 'wh.statusPaused';
}

function Health({ endpoint }: { endpoint: EndpointView }) {
  const t = useWebhooksT();
  const locale = useLocale();
  const { health } = endpoint;
  if (!health.lastAttemptAt) return <>{t('wh.healthNever')}</>;
  if (health.failingSince) {
    return (
      <span className="status status--revoked">
        {t('wh.healthFailing', {
          count: health.consecutiveFailures,
          date: formatDate(locale, health.failingSince, true),
          code: health.lastStatusCode ?? '—',
        })}
      </span>
    );
  }
  return (
    <span className="status status--active">
      {t('wh.healthOk', {
        code: health.lastStatusCode ?? '—',
        date: formatDate(locale, health.lastSuccessAt ?? health.lastAttemptAt, true),
      })}
    </span>
  );
}

function EndpointFields({
  endpoint,
  fieldErrors,
}: {
  endpoint?: EndpointView;
  fieldErrors: Partial<Record<string, string>>;
}) {
  const t = useWebhooksT();
  const { eventTypes } = useLoaderData<typeof loader>();
  const chosen = new Set(endpoint?.events ?? []);
  const custom = (endpoint?.events ?? []).filter((event) => !(eventTypes as string[]).includes(event));
  return (
    <>
      <TextField
        label={t('wh.url')}
        name="url"
        type="url"
        required
        maxLength={2000}
        defaultValue={endpoint?.url}
        hint={t('wh.urlHint')}
        error={fieldErrors.url}
      />
      <TextField
        label={t('wh.description')}
        name="description"
        maxLength={500}
        defaultValue={endpoint?.description ?? ''}
        optional
        error={fieldErrors.description}
      />
      <fieldset className="scopes">
        <legend className="field__label">{t('wh.events')}</legend>
        {fieldErrors.events ? <p className="field__error">{fieldErrors.events}</p> : null}
        <div className="scopes__grid">
          {eventTypes.map((type) => (
            <label key={type} className="check">
              <input type="checkbox" name="events" value={type} defaultChecked={chosen.has(type)} />
              <code>{type}</code>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field-row">
        <TextField
          label={t('wh.customEvents')}
          name="customEvents"
          defaultValue={custom.join(', ')}
          hint={t('wh.customEventsHint')}
          optional
        />
        <TextField
          label={t('wh.rateLimit')}
          name="rateLimitPerSecond"
          type="number"
          min={1}
          max={1000}
          defaultValue={endpoint?.rateLimitPerSecond ?? ''}
          hint={t('wh.rateLimitHint')}
          optional
          error={fieldErrors.rateLimitPerSecond}
        />
      </div>
      <label className="check">
        <input type="checkbox" name="ed25519" defaultChecked={Boolean(endpoint?.publicKey)} />
        {t('wh.ed25519')}
      </label>
    </>
  );
}

function Flash() {
  const t = useWebhooksT();
  const locale = useLocale();
  const result = useActionData<typeof action>();
  if (!result || result.ok !== true) return null;
  if ('secret' in result && result.secret) {
    return (
      <Notice>
        <p>
          {'until' in result && result.until
            ? t('wh.secretRotated', { url: result.url, date: formatDate(locale, result.until, true) })
            : t('wh.secretOnce', { url: result.url })}
        </p>
        <p>
          <code data-testid="webhook-secret">{result.secret}</code> <CopyButton value={result.secret} />
        </p>
      </Notice>
    );
  }
  if (result.intent === 'test')
    return <Notice>{t('wh.testSent', { url: 'url' in result ? result.url : '' })}</Notice>;
  if (result.intent === 'delete')
    return <Notice>{t('wh.deleted', { url: 'url' in result ? result.url : '' })}</Notice>;
  if (result.intent === 'replay') return <Notice>{t('wh.replayed')}</Notice>;
  if (result.intent === 'replayFailed' && 'count' in result) {
    return <Notice>{t('wh.replayFailedDone', { count: result.count })}</Notice>;
  }
  return <Notice>{t('wh.saved')}</Notice>;
}

function EndpointRow({ endpoint }: { endpoint: EndpointView }) {
  const t = useWebhooksT();
  const navigation = useNavigation();
  const busy =
    navigation.formData?.get('id') === endpoint.id ? String(navigation.formData.get('intent')) : null;
  return (
    <tr>
      <th scope="row">
        <Link to={`?endpoint=${endpoint.id}`}>{endpoint.url}</Link>
        {endpoint.description ? <div className="muted">{endpoint.description}</div> : null}
      </th>
      <td data-label={t('wh.events')}>
        <code>{endpoint.events.join(', ')}</code>
      </td>
      <td data-label={t('wh.status')}>
        <span className={`status status--${endpoint.active ? 'active' : 'revoked'}`}>
          {t(statusLabel(endpoint))}
        </span>
      </td>
      <td data-label={t('wh.health')}>
        <Health endpoint={endpoint} />
      </td>
      <td className="table__actions">
        <Form method="post" style={{ display: 'flex', flexWrap: 'wrap', gap: '0.5rem' }}>
          <input type="hidden" name="id" value={endpoint.id} />
          <input type="hidden" name="url" value={endpoint.url} />
          <Link className="button secondary button--small" to={`?endpoint=${endpoint.id}`}>
            {t('wh.deliveries')}
          </Link>
          {endpoint.active ? (
            <SubmitButton name="intent" value="test" variant="secondary" pending={busy === 'test'}>
              {t('wh.test')}
            </SubmitButton>
          ) : null}
          <SubmitButton
            name="intent"
            value={endpoint.active ? 'deactivate' : 'activate'}
            variant="secondary"
            pending={busy === 'activate' || busy === 'deactivate'}
          >
            {endpoint.active ? t('wh.deactivate') : t('wh.activate')}
          </SubmitButton>
          <ConfirmButton
            label={t('wh.rotate')}
            title={t('wh.rotateTitle', { url: endpoint.url })}
            message={t('wh.rotateMessage')}
            confirmLabel={t('wh.rotate')}
            name="intent"
            value="rotate"
            variant="secondary"
            pending={busy === 'rotate'}
          />
          <ConfirmButton
            label={t('wh.delete')}
            title={t('wh.deleteTitle', { url: endpoint.url })}
            message={t('wh.deleteMessage')}
            confirmLabel={t('wh.delete')}
            name="intent"
            value="delete"
            pending={busy === 'delete'}
          />
        </Form>
      </td>
    </tr>
  );
}

function DeliveryLog({ endpoint }: { endpoint: EndpointView }) {
  const t = useWebhooksT();
  const locale = useLocale();
  const { deliveries, delivery, eventTypes } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString().slice(0, 16);
  const keep = (extra: Record<string, string>) => {
    const next = new URLSearchParams(params);
    next.delete('cursor');
    next.delete('delivery');
    for (const [key, value] of Object.entries(extra)) next.set(key, value);
    return `?${next.toString()}`;
  };
  return (
    <Panel id="webhook-log-title" title={t('wh.log', { url: endpoint.url })}>
      {endpoint.publicKey ? (
        <p>
          {t('wh.publicKey')} : <code>{endpoint.publicKey}</code> <CopyButton value={endpoint.publicKey} />
        </p>
      ) : null}
      <Form method="get" className="field-row">
        <input type="hidden" name="endpoint" value={endpoint.id} />
        <label className="field">
          <span className="field__label">{t('wh.status')}</span>
          <select className="input" name="status" defaultValue={params.get('status') ?? ''}>
            <option value="">{t('wh.allStatuses')}</option>
            {DELIVERY_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`wh.d.${status}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('wh.event')}</span>
          <select className="input" name="event" defaultValue={params.get('event') ?? ''}>
            <option value="">{t('wh.allEvents')}</option>
            {[...eventTypes, 'webhook.test'].map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <div className="form-actions">
          <button type="submit" className="secondary">
            {t('wh.filter')}
          </button>
        </div>
      </Form>
      <Form method="post" className="field-row">
        <input type="hidden" name="id" value={endpoint.id} />
        <TextField
          label={t('wh.replayFailed')}
          name="since"
          type="datetime-local"
          defaultValue={hourAgo}
          required
        />
        <div className="form-actions">
          <SubmitButton name="intent" value="replayFailed" variant="secondary" pending={false}>
            {t('wh.replay')}
          </SubmitButton>
        </div>
      </Form>
      {!deliveries || deliveries.data.length === 0 ? (
        <p className="empty">{t('wh.logEmpty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table--stack">
            <thead>
              <tr>
                <th scope="col">{t('wh.createdAt')}</th>
                <th scope="col">{t('wh.event')}</th>
                <th scope="col">{t('wh.status')}</th>
                <th scope="col">{t('wh.attempts')}</th>
                <th scope="col">{t('wh.lastCode')}</th>
                <th scope="col">{t('wh.lastError')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('wh.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data.map((row) => (
                <tr key={row.id} data-status={row.status}>
                  <th scope="row">{formatDate(locale, row.createdAt, true)}</th>
                  <td data-label={t('wh.event')}>
                    <code>{row.eventType}</code>
                  </td>
                  <td data-label={t('wh.status')}>
                    <span
                      className={`status status--${row.status === 'delivered' ? 'active' : row.status === 'failed' ? 'revoked' : 'expired'}`}
                    >
                      {t(`wh.d.${row.status}`)}
                    </span>
                    {row.nextAttemptAt ? (
                      <div className="muted">
                        {t('wh.nextAttempt', { date: formatDate(locale, row.nextAttemptAt, true) })}
                      </div>
                    ) : null}
                  </td>
                  <td data-label={t('wh.attempts')}>{row.attempts}</td>
                  <td data-label={t('wh.lastCode')}>{row.lastStatusCode ?? '—'}</td>
                  <td data-label={t('wh.lastError')}>{row.lastError ?? ''}</td>
                  <td className="table__actions">
                    <Link className="button secondary button--small" to={`${keep({ delivery: row.id })}`}>
                      {t('wh.details')}
                    </Link>
                    {row.status !== 'pending' ? (
                      <Form method="post">
                        <input type="hidden" name="id" value={endpoint.id} />
                        <input type="hidden" name="deliveryId" value={row.id} />
                        <SubmitButton name="intent" value="replay" variant="secondary" pending={false}>
                          {t('wh.replay')}
                        </SubmitButton>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {deliveries?.nextCursor ? (
        <p>
          <Link to={`${keep({})}&cursor=${encodeURIComponent(deliveries.nextCursor)}`}>{t('wh.more')}</Link>
        </p>
      ) : null}
      {delivery ? (
        <section aria-labelledby="delivery-detail" className="stack">
          <h3 id="delivery-detail">
            <code>{delivery.webhookId}</code> · {delivery.eventType}
          </h3>
          <ol className="stack">
            {delivery.log.map((attempt) => (
              <li key={attempt.id}>
                <strong>{t('wh.attempt', { n: attempt.attempt })}</strong> —{' '}
                {formatDate(locale, attempt.startedAt, true)} · {attempt.statusCode ?? '—'} ·{' '}
                {t('wh.duration', { ms: attempt.durationMs })} · {attempt.outcome}
                {attempt.error ? <div className="field__error">{attempt.error}</div> : null}
                {attempt.responseBody ? (
                  <details>
                    <summary>{t('wh.response')}</summary>
                    <pre>{attempt.responseBody}</pre>
                  </details>
                ) : null}
              </li>
            ))}
          </ol>
          <details open>
            <summary>{t('wh.payload')}</summary>
            <pre>{delivery.payload}</pre>
          </details>
          <Link to={keep({})}>{t('wh.close')}</Link>
        </section>
      ) : null}
    </Panel>
  );
}

export default function WebhooksSettings() {
  const { endpoints, selected } = useLoaderData<typeof loader>();
  const t = useWebhooksT();
  const result = useActionData<typeof action>();
  const createFailure = failureFor(result, 'create');
  const updateFailure = failureFor(result, 'update');
  const otherFailure =
    result && result.ok === false && !createFailure && !updateFailure
      ? failureFor(result, undefined)
      : undefined;
  return (
    <div className="panels">
      <Panel id="webhooks-title" title={t('wh.endpoints')} lead={t('wh.lead')}>
        <Flash />
        {otherFailure?.formError ? <FormAlert message={otherFailure.formError} /> : null}
        {endpoints.length === 0 ? (
          <p className="empty">{t('wh.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table table--stack">
              <thead>
                <tr>
                  <th scope="col">{t('wh.url')}</th>
                  <th scope="col">{t('wh.events')}</th>
                  <th scope="col">{t('wh.status')}</th>
                  <th scope="col">{t('wh.health')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('wh.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {endpoints.map((endpoint) => (
                  <EndpointRow key={endpoint.id} endpoint={endpoint} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>

      {selected ? (
        <>
          <Panel id="webhook-edit-title" title={`${t('wh.edit')} — ${selected.url}`}>
            {updateFailure?.formError ? <FormAlert message={updateFailure.formError} /> : null}
            <Form method="post" className="stack" key={`${selected.id}-${selected.version}`}>
              <input type="hidden" name="id" value={selected.id} />
              <EndpointFields endpoint={selected} fieldErrors={updateFailure?.fieldErrors ?? {}} />
              <div className="form-actions">
                <SubmitButton name="intent" value="update" pending={false}>
                  {t('wh.save')}
                </SubmitButton>
              </div>
            </Form>
          </Panel>
          <DeliveryLog endpoint={selected} />
        </>
      ) : null}

      <Panel id="webhook-new-title" title={t('wh.new')}>
        {createFailure?.formError ? <FormAlert message={createFailure.formError} /> : null}
        <Form
          method="post"
          className="stack"
          key={result?.ok === true && result.intent === 'create' ? result.id : 'new'}
        >
          <EndpointFields fieldErrors={createFailure?.fieldErrors ?? {}} />
          <div className="form-actions">
            <SubmitButton name="intent" value="create" pending={false}>
              {t('wh.create')}
            </SubmitButton>
          </div>
        </Form>
      </Panel>
    </div>
  );
}
