import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import type { ShouldRevalidateFunction } from '@remix-run/react';
import { Form, Link, useActionData, useLoaderData, useLocation } from '@remix-run/react';
import { ConfirmButton, SubmitButton, useSubmitting } from '~/components/buttons';
import { MandateStatusPill } from '~/components/crm/badges';
import { MandatePdfButton } from '~/components/crm/export-buttons';
import { InteractionList } from '~/components/crm/interactions';
import { DetailList, Section } from '~/components/crm/record';
import { Timeline } from '~/components/crm/timeline';
import { FieldErrorsProvider, FormAlert, Notice, TextField } from '~/components/form';
import { localeOf, requireActorDeps, translatorFor } from '~/lib/auth.server';
import { MANDATE_STATUSES, MANDATE_TYPES, type MandateStatus, oneOf } from '~/lib/crm.constants';
import { transitionForm, versionOf } from '~/lib/crm.forms';
import {
  AppError,
  deleteMandate,
  etagOf,
  getMandate,
  hasPermission,
  listInteractions,
  listTimeline,
  MANDATE_TRANSITIONS,
  organisationNames,
  transitionMandate,
  userNames,
} from '~/lib/crm.server';
import { crmFailure } from '~/lib/crm-actions.server';
import { formatAmount, formatDay, formatNumber, todayInParis } from '~/lib/crm-format';
import { enumParam, isUuid } from '~/lib/crm-list';
import { interactionRows, timelineView } from '~/lib/crm-views.server';
import { invalidForm, loaderGuard, notFound } from '~/lib/errors.server';
import { parseForm } from '~/lib/forms';
import { translator, useLocale, useT } from '~/lib/i18n';
import { crmTranslator, useCrmT } from '~/lib/i18n-crm';
import { localeFromMatches } from '~/lib/meta';

export const meta: MetaFunction<typeof loader> = ({ data: loaded, matches }) => {
  const t = translator(localeFromMatches(matches));
  return [{ title: `${loaded?.mandate.title ?? t('nav.mandates')} · ${t('app.name')}` }];
};

/** The lifecycle in order, for the stepper; terminated and expired are both ends. */
const MAIN_PATH: MandateStatus[] = ['draft', 'proposed', 'signed', 'active'];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const id = params.id;
  if (!isUuid(id)) notFound();
  const mandate = await loaderGuard(request, () => getMandate(deps, id));
  const [organisations, owners, interactions, timeline] = await loaderGuard(request, () =>
    Promise.all([
      organisationNames(deps, [mandate.organisationId]),
      userNames(deps, [mandate.ownerId]),
      hasPermission(deps.actor, 'interactions', 'read')
        ? listInteractions(deps, { mandateId: id, limit: 20, sort: '-occurredAt' }).then((page) =>
            interactionRows(deps, page.data),
          )
        : null,
      listTimeline(deps.db, 'mandate', id, { limit: 30 }).then((page) =>
        timelineView(deps, page.data, { entityType: 'mandate', locale: localeOf(context) }),
      ),
    ]),
  );
  const status = oneOf(MANDATE_STATUSES, mandate.status, 'draft');
  return {
    mandate: { ...mandate, status, type: oneOf(MANDATE_TYPES, mandate.type, 'other') },
    organisationName: organisations[mandate.organisationId] ?? null,
    ownerName: owners[mandate.ownerId] ?? null,
    next: MANDATE_TRANSITIONS[status].filter((to): to is Exclude<MandateStatus, 'draft'> => to !== 'draft'),
    interactions,
    timeline,
    today: todayInParis(),
    canUpdate: hasPermission(deps.actor, 'mandates', 'update'),
    canDelete: hasPermission(deps.actor, 'mandates', 'delete'),
    notice: enumParam(new URL(request.url).searchParams, 'notice', ['created', 'saved'] as const) ?? null,
  };
}

/**
 * Moves the mandate along its lifecycle (only the legal next states are
 * offered; the service refuses anything else with a 409, which the page
 * explains with the mandate's actual status).
 */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const ct = crmTranslator(localeOf(context));
  const id = params.id;
  if (!isUuid(id)) notFound();
  const form = await request.formData();
  if (form.get('intent') === 'delete') {
    const version = versionOf(form);
    try {
      await deleteMandate(deps, id, version ? etagOf(version) : undefined);
    } catch (error) {
      return crmFailure(error, request, { t, ct, intent: 'delete', name: String(form.get('name') ?? '') });
    }
    return redirect('/mandats?notice=deleted');
  }
  const intent = 'transition';
  const parsed = parseForm(transitionForm(ct), form, t, { intent });
  if (!parsed.success) return invalidForm(parsed.failure);
  try {
    // No If-Match here: the lifecycle itself is the guard. A transition made
    // meanwhile by someone else makes this one illegal (409), which says more
    // than "the record changed" (412) would.
    const mandate = await transitionMandate(deps, id, parsed.data);
    const status = oneOf(MANDATE_STATUSES, mandate.status, 'draft');
    return {
      ok: true as const,
      message: ct('mandate.transitioned', { status: ct(`mandateStatus.${status}`) }),
    };
  } catch (error) {
    if (error instanceof AppError && error.code === 'CONFLICT') {
      const current = await getMandate(deps, id).catch(() => null);
      const status = oneOf(MANDATE_STATUSES, current?.status, 'draft');
      return data(
        {
          ok: false as const,
          intent,
          formError: ct('mandate.illegal', { status: ct(`mandateStatus.${status}`) }),
          fieldErrors: {},
        },
        { status: 409 },
      );
    }
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED') {
      return invalidForm({
        ok: false,
        intent,
        formError: t('errors.form'),
        fieldErrors: { date: ct('mandate.dateInvalid') },
      });
    }
    return crmFailure(error, request, { t, ct, intent, conflictMessage: ct('mandate.conflict') });
  }
}

/** After a transition, even a refused one, the page shows the mandate as it now is. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod?.toUpperCase() === 'POST' ? true : defaultShouldRevalidate;

function Lifecycle() {
  const { mandate, next, today, canUpdate } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const ct = useCrmT();
  const submitting = useSubmitting();
  const failure =
    result && !result.ok && 'intent' in result && result.intent === 'transition' ? result : undefined;
  const ended = mandate.status === 'terminated' || mandate.status === 'expired';
  const reached = MAIN_PATH.indexOf(ended ? 'active' : mandate.status);
  const steps: MandateStatus[] = [...MAIN_PATH, ended ? mandate.status : 'terminated'];

  return (
    <Section id="mandate-lifecycle" title={ct('mandate.lifecycle')}>
      <ol className="stepper" aria-label={ct('mandate.lifecycle')}>
        {steps.map((status, index) => {
          const state =
            status === mandate.status
              ? 'current'
              : index <= reached || (ended && index < steps.length - 1)
                ? 'done'
                : 'todo';
          return (
            <li
              key={status}
              className="stepper__step"
              data-state={state}
              aria-current={state === 'current' ? 'step' : undefined}
            >
              {ct(`mandateStatus.${status}`)}
              {index === steps.length - 1 && !ended ? ` / ${ct('mandateStatus.expired')}` : null}
            </li>
          );
        })}
      </ol>
      {result?.ok ? <Notice>{result.message}</Notice> : null}
      {failure?.formError ? <FormAlert message={failure.formError} /> : null}
      {next.length === 0 ? (
        <p className="muted">{ct('mandate.final')}</p>
      ) : canUpdate ? (
        <Form method="post" className="stack transition-form" noValidate preventScrollReset>
          <p className="panel__lead">{ct('mandate.lifecycleLead')}</p>
          <FieldErrorsProvider errors={failure?.fieldErrors}>
            <TextField
              label={ct('mandate.date')}
              name="date"
              type="date"
              defaultValue={today}
              hint={ct('mandate.dateHint')}
              className="input--date"
            />
          </FieldErrorsProvider>
          <div className="form-actions">
            {next.map((status) => (
              <SubmitButton
                key={status}
                name="to"
                value={status}
                variant={status === 'terminated' ? 'danger' : status === 'expired' ? 'secondary' : 'primary'}
                pending={submitting}
                pendingLabel={t('common.saving')}
              >
                {ct(`mandate.to.${status}`)}
              </SubmitButton>
            ))}
          </div>
        </Form>
      ) : null}
    </Section>
  );
}

/** A refused deletion (stale version, no right), above the record. */
function DeleteOutcome() {
  const result = useActionData<typeof action>();
  const ct = useCrmT();
  const { pathname } = useLocation();
  if (!result || result.ok || !('intent' in result) || result.intent !== 'delete' || !result.formError)
    return null;
  return (
    <div className="alert alert--error" role="alert">
      {result.formError}{' '}
      {'conflict' in result && result.conflict ? <Link to={pathname}>{ct('crm.reload')}</Link> : null}
    </div>
  );
}

export default function MandatePage() {
  const { mandate, organisationName, ownerName, interactions, timeline, canUpdate, canDelete, notice } =
    useLoaderData<typeof loader>();
  const ct = useCrmT();
  const deleting = useSubmitting('delete');
  const locale = useLocale();
  const day = (value: string | null) => (value ? formatDay(locale, value) : null);
  return (
    <div className="page record">
      <Link to="/mandats" className="back-link">
        ← {ct('mandates.back')}
      </Link>
      <div className="page-bar">
        <header className="page-header page-header--compact">
          <p className="eyebrow">{ct('mandate.eyebrow', { number: mandate.number })}</p>
          <h1>{mandate.title}</h1>
          <p className="record-header__meta">
            <MandateStatusPill status={mandate.status} />
            <span>{ct(`mandateType.${mandate.type}`)}</span>
            {organisationName ? (
              <Link to={`/organisations/${mandate.organisationId}`}>{organisationName}</Link>
            ) : null}
            {mandate.amount ? (
              <span>{formatAmount(locale, mandate.amount, mandate.currency, { compact: false })}</span>
            ) : null}
          </p>
        </header>
        <div className="page-bar__actions">
          <MandatePdfButton id={mandate.id} />
          {canUpdate ? (
            <Link to="modifier" className="button button--primary">
              {ct('crm.edit')}
            </Link>
          ) : null}
          {canDelete ? (
            <Form method="post" className="inline-form">
              <input type="hidden" name="version" value={mandate.version} />
              <input type="hidden" name="name" value={mandate.title} />
              <ConfirmButton
                label={ct('crm.delete')}
                ariaLabel={ct('mandate.deleteLabel', { number: mandate.number })}
                title={ct('mandate.deleteTitle', { number: mandate.number })}
                message={ct('mandate.deleteQuestion', { title: mandate.title })}
                confirmLabel={ct('crm.delete')}
                name="intent"
                value="delete"
                pending={deleting}
              />
            </Form>
          ) : null}
        </div>
      </div>
      {notice === 'created' ? (
        <Notice>{ct('mandateNew.created', { number: mandate.number })}</Notice>
      ) : notice === 'saved' ? (
        <Notice>{ct('crm.saved')}</Notice>
      ) : null}
      <DeleteOutcome />

      <div className="record-grid">
        <Lifecycle />
        <Section id="mandate-terms" title={ct('mandate.terms')}>
          <DetailList
            items={[
              {
                label: ct('field.amount'),
                value: mandate.amount
                  ? formatAmount(locale, mandate.amount, mandate.currency, { compact: false })
                  : null,
              },
              {
                label: ct('mandate.managementFee'),
                value:
                  mandate.managementFeeBps === null
                    ? null
                    : ct('mandate.managementFeeValue', {
                        bps: formatNumber(locale, mandate.managementFeeBps),
                      }),
              },
              {
                label: ct('mandate.performanceFee'),
                value:
                  mandate.performanceFeePct === null
                    ? null
                    : `${formatNumber(locale, mandate.performanceFeePct)} %`,
              },
              { label: ct('mandate.products'), value: mandate.products.join(', ') },
              { label: ct('field.proposedAt'), value: day(mandate.proposedAt) },
              { label: ct('field.signedAt'), value: day(mandate.signedAt) },
              { label: ct('field.startDate'), value: day(mandate.startDate) },
              { label: ct('field.endDate'), value: day(mandate.endDate) },
              { label: ct('field.nextReviewAt'), value: day(mandate.nextReviewAt) },
              { label: ct('crm.owner'), value: ownerName },
            ]}
          />
          {mandate.feeNotes ? (
            <>
              <h3 className="record-section__subtitle">{ct('mandate.feeNotes')}</h3>
              <p className="notes">{mandate.feeNotes}</p>
            </>
          ) : null}
        </Section>
      </div>

      {interactions && interactions.length > 0 ? (
        <Section id="mandate-interactions" title={ct('mandate.interactions')}>
          <InteractionList items={interactions} label={ct('mandate.interactions')} />
        </Section>
      ) : null}

      <Section id="mandate-history" title={ct('mandate.history')}>
        <Timeline items={timeline} />
      </Section>
    </div>
  );
}
