import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import type { ShouldRevalidateFunction } from '@remix-run/react';
import { useActionData, useLoaderData } from '@remix-run/react';
import { KanbanBoard } from '~/components/crm/kanban';
import { FormAlert, Notice } from '~/components/form';
import { localeOf, requireActorDeps, translatorFor } from '~/lib/auth.server';
import { versionOf } from '~/lib/crm.forms';
import {
  etagOf,
  hasPermission,
  listStages,
  organisationVersions,
  pipelineBoard,
  updateOrganisation,
} from '~/lib/crm.server';
import { crmFailure } from '~/lib/crm-actions.server';
import { isUuid } from '~/lib/crm-list';
import { invalidForm, loaderGuard } from '~/lib/errors.server';
import { useT } from '~/lib/i18n';
import { crmTranslator, useCrmT } from '~/lib/i18n-crm';
import { pageTitle } from '~/lib/meta';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'nav.pipeline');

const CARDS_PER_STAGE = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const board = await loaderGuard(request, () => pipelineBoard(deps, { limit: CARDS_PER_STAGE }));
  // The board's cards carry no version; If-Match needs the one each card was drawn from.
  const versions = await organisationVersions(
    deps,
    board.stages.flatMap((stage) => stage.organisations.map((card) => card.id)),
  );
  return {
    stages: board.stages.map((stage) => ({
      id: stage.id,
      name: stage.name,
      color: stage.color,
      isWon: stage.isWon,
      isLost: stage.isLost,
      count: stage.count,
      cards: stage.organisations.map((card) => ({
        id: card.id,
        name: card.name,
        city: card.city,
        aum: card.aum,
        version: versions[card.id] ?? 1,
      })),
    })),
    canMove: hasPermission(deps.actor, 'organisations', 'update'),
  };
}

/**
 * Moves a card: the organisation's stage, with If-Match. Answers the card's
 * fetcher (drag and drop, buttons, select) or, without JavaScript, the page.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const ct = crmTranslator(localeOf(context));
  const form = await request.formData();
  const id = form.get('id');
  // The arrow buttons name their target in `to`; the select's "Déplacer" sends `stageId`.
  const stageId = form.get('to') ?? form.get('stageId');
  const name = String(form.get('name') ?? '').slice(0, 200);
  const version = versionOf(form);
  if (form.get('intent') !== 'move' || !isUuid(id) || !isUuid(stageId)) {
    return invalidForm({ ok: false, formError: t('errors.generic'), fieldErrors: {} });
  }
  try {
    const organisation = await updateOrganisation(
      deps,
      id,
      { pipelineStageId: stageId },
      version ? etagOf(version) : undefined,
    );
    const stages = await listStages(deps);
    const stage = stages.find((candidate) => candidate.id === organisation.pipelineStageId);
    return {
      ok: true as const,
      id,
      message: ct('pipeline.moved', { name: organisation.name, stage: stage?.name ?? '' }),
    };
  } catch (error) {
    return crmFailure(error, request, { t, ct, id, conflictMessage: ct('pipeline.conflict', { name }) });
  }
}

/** After any move, even a refused one (412), the board shows the latest state. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod?.toUpperCase() === 'POST' ? true : defaultShouldRevalidate;

/** The outcome of a move posted without JavaScript (a plain form post to this page). */
function Outcome() {
  const result = useActionData<typeof action>();
  if (!result) return null;
  if (result.ok) return <Notice>{result.message}</Notice>;
  return result.formError ? <FormAlert message={result.formError} /> : null;
}

export default function Pipeline() {
  const { stages, canMove } = useLoaderData<typeof loader>();
  const t = useT();
  const ct = useCrmT();
  return (
    <div className="page page--wide">
      <header className="page-header page-header--compact">
        <h1>{t('nav.pipeline')}</h1>
        <p className="lead">{canMove ? ct('pipeline.lead') : ct('pipeline.readOnly')}</p>
      </header>
      <Outcome />
      <KanbanBoard stages={stages} canMove={canMove} />
    </div>
  );
}
