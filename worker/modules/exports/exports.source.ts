/**
 * What an export contains: the columns of each entity and its rows, read page
 * by page through the list services themselves (same filters, same scope, same
 * keyset order), so an export is exactly the list the user was looking at.
 */
import { count, inArray } from 'drizzle-orm';
import { mandates, organisations, people, pipelineStages, users } from '../../db/schema';
import type { ActorDeps } from '../../lib/service-context';
import { listMandates, mandateFilters } from '../mandates/mandates.service';
import { listOrganisations, organisationFilters } from '../organisations/organisations.service';
import { listPeople, personFilters } from '../people/people.service';
import type { ExportRequest } from './exports.schemas';
import type { Column, ColumnKind, ExportSource, Tally } from './exports.types';

export type { Cell, Column, ColumnKind, ExportSource, Lang, Tally } from './exports.types';

export const DEFAULT_PAGE_SIZE = 1_000;

function col(fr: string, en: string, kind: ColumnKind, width: number): Column {
  return { header: { fr, en }, kind, width };
}

function tally(fr: string, en: string, kind: Tally['kind']): Tally {
  return { title: { fr, en }, kind, counts: new Map() };
}

function bump(target: Tally, label: string) {
  target.counts.set(label, (target.counts.get(label) ?? 0) + 1);
}

/** `pension_fund` → `Pension fund`: readable without a translation table per enum. */
export function humanise(code: string): string {
  const text = code.replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

async function userNames(deps: ActorDeps): Promise<Map<string, string>> {
  const rows = await deps.db.select({ id: users.id, name: users.name }).from(users);
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** Keyset paging over a list service until it has no next page. */
async function* paged<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ data: T[]; nextCursor: string | null }>,
): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    if (page.data.length > 0) yield page.data;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

function organisationSource(
  deps: ActorDeps,
  query: Extract<ExportRequest, { entity: 'organisations' }>['query'],
): ExportSource {
  const { delimiter: _d, lang: _l, mode: _m, ...filters } = query;
  const byStage = tally('Organisations par étape du pipeline', 'Organisations by pipeline stage', 'bar');
  const byType = tally('Organisations par type', 'Organisations by type', 'pie');
  const byCategory = tally('Organisations par catégorie', 'Organisations by category', 'pie');
  return {
    entity: 'organisations',
    title: { fr: 'Organisations', en: 'Organisations' },
    columns: [
      col('Nom', 'Name', 'text', 32),
      col('Types', 'Types', 'text', 18),
      col('Catégorie', 'Category', 'text', 16),
      col('Statut', 'Status', 'text', 10),
      col('Étape', 'Stage', 'text', 16),
      col('Ville', 'City', 'text', 16),
      col('Pays', 'Country', 'text', 7),
      col('Encours', 'AUM', 'amount', 18),
      col('Devise', 'Currency', 'text', 8),
      col('E-mail', 'Email', 'text', 26),
      col('Téléphone', 'Phone', 'text', 16),
      col('Responsable', 'Owner', 'text', 18),
      col('Créée le', 'Created', 'date', 12),
      col('Modifiée le', 'Updated', 'datetime', 18),
    ],
    tallies: [byStage, byType, byCategory],
    async *pages(pageSize = DEFAULT_PAGE_SIZE) {
      const [owners, stages] = await Promise.all([
        userNames(deps),
        deps.db
          .select({ id: pipelineStages.id, name: pipelineStages.name, position: pipelineStages.position })
          .from(pipelineStages)
          .orderBy(pipelineStages.position),
      ]);
      const stageNames = new Map(stages.map((stage) => [stage.id, stage.name]));
      // Stages in pipeline order, even those with no organisation, so the bar chart reads left to right.
      for (const stage of stages) byStage.counts.set(stage.name, 0);
      const noStage = query.lang === 'en' ? 'No stage' : 'Sans étape';
      for await (const page of paged((cursor) =>
        listOrganisations(deps, { ...filters, limit: pageSize, cursor }),
      )) {
        yield page.map((row) => {
          const stage = row.pipelineStageId ? (stageNames.get(row.pipelineStageId) ?? null) : null;
          bump(byStage, stage ?? noStage);
          for (const type of row.types) bump(byType, humanise(type));
          bump(byCategory, humanise(row.category ?? 'other'));
          return [
            row.name,
            row.types.map(humanise).join(', '),
            row.category ? humanise(row.category) : null,
            humanise(row.status),
            stage,
            row.city,
            row.country,
            row.aum?.amount ?? null,
            row.aum?.currency ?? null,
            row.email,
            row.phone,
            owners.get(row.ownerId) ?? null,
            row.createdAt.slice(0, 10),
            row.updatedAt,
          ];
        });
      }
    },
  };
}

function personSource(
  deps: ActorDeps,
  query: Extract<ExportRequest, { entity: 'people' }>['query'],
): ExportSource {
  const { delimiter: _d, lang: _l, mode: _m, ...filters } = query;
  const byLanguage = tally('Personnes par langue', 'People by language', 'pie');
  const byConsent = tally('Personnes par consentement', 'People by consent', 'bar');
  return {
    entity: 'people',
    title: { fr: 'Personnes', en: 'People' },
    columns: [
      col('Nom', 'Last name', 'text', 20),
      col('Prénom', 'First name', 'text', 16),
      col('Fonction', 'Job title', 'text', 22),
      col('E-mail pro', 'Work email', 'text', 28),
      col('Téléphone pro', 'Work phone', 'text', 16),
      col('Mobile', 'Mobile', 'text', 16),
      col('Ville', 'City', 'text', 16),
      col('Langue', 'Language', 'text', 8),
      col('Consentement', 'Consent', 'text', 12),
      col('Étiquettes', 'Tags', 'text', 18),
      col('Responsable', 'Owner', 'text', 18),
      col('Créée le', 'Created', 'date', 12),
    ],
    tallies: [byLanguage, byConsent],
    async *pages(pageSize = DEFAULT_PAGE_SIZE) {
      const owners = await userNames(deps);
      for await (const page of paged((cursor) => listPeople(deps, { ...filters, limit: pageSize, cursor }))) {
        yield page.map((row) => {
          bump(byLanguage, row.language.toUpperCase());
          bump(byConsent, humanise(row.consent.status));
          return [
            row.lastName,
            row.firstName,
            row.jobTitle,
            row.workEmail,
            row.workPhone,
            row.mobilePhone,
            row.city,
            row.language.toUpperCase(),
            humanise(row.consent.status),
            row.tags.join(', '),
            owners.get(row.ownerId) ?? null,
            row.createdAt.slice(0, 10),
          ];
        });
      }
    },
  };
}

function mandateSource(
  deps: ActorDeps,
  query: Extract<ExportRequest, { entity: 'mandates' }>['query'],
): ExportSource {
  const { delimiter: _d, lang: _l, mode: _m, ...filters } = query;
  const byStatus = tally('Mandats par statut', 'Mandates by status', 'pie');
  const byMonth = tally('Mandats créés par mois', 'Mandates created by month', 'bar');
  return {
    entity: 'mandates',
    title: { fr: 'Mandats', en: 'Mandates' },
    columns: [
      col('Numéro', 'Number', 'text', 14),
      col('Intitulé', 'Title', 'text', 30),
      col('Organisation', 'Organisation', 'text', 28),
      col('Type', 'Type', 'text', 14),
      col('Statut', 'Status', 'text', 11),
      col('Montant', 'Amount', 'amount', 18),
      col('Devise', 'Currency', 'text', 8),
      col('Frais de gestion (pb)', 'Management fee (bps)', 'integer', 10),
      col('Signé le', 'Signed', 'date', 12),
      col('Début', 'Start', 'date', 12),
      col('Fin', 'End', 'date', 12),
      col('Prochaine revue', 'Next review', 'date', 12),
      col('Responsable', 'Owner', 'text', 18),
      col('Créé le', 'Created', 'date', 12),
    ],
    tallies: [byStatus, byMonth],
    async *pages(pageSize = DEFAULT_PAGE_SIZE) {
      const owners = await userNames(deps);
      for await (const page of paged((cursor) =>
        listMandates(deps, { ...filters, limit: pageSize, cursor }),
      )) {
        const ids = [...new Set(page.map((row) => row.organisationId))];
        const names = new Map(
          (
            await deps.db
              .select({ id: organisations.id, name: organisations.name })
              .from(organisations)
              .where(inArray(organisations.id, ids))
          ).map((row) => [row.id, row.name]),
        );
        yield page.map((row) => {
          bump(byStatus, humanise(row.status));
          const month = row.createdAt.slice(0, 7);
          bump(byMonth, month);
          return [
            row.number,
            row.title,
            names.get(row.organisationId) ?? null,
            humanise(row.type),
            humanise(row.status),
            row.amount,
            row.currency,
            row.managementFeeBps,
            row.signedAt,
            row.startDate,
            row.endDate,
            row.nextReviewAt,
            owners.get(row.ownerId) ?? null,
            row.createdAt.slice(0, 10),
          ];
        });
      }
      // Months read in calendar order whatever the export's sort.
      byMonth.counts = new Map([...byMonth.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
    },
  };
}

export function exportSource(deps: ActorDeps, request: ExportRequest): ExportSource {
  switch (request.entity) {
    case 'organisations':
      return organisationSource(deps, request.query);
    case 'people':
      return personSource(deps, request.query);
    case 'mandates':
      return mandateSource(deps, request.query);
  }
}

/** How many rows the export will have: decides between streaming now and a background job. */
export async function countRows(deps: ActorDeps, request: ExportRequest): Promise<number> {
  const { actor } = deps;
  const [row] =
    request.entity === 'organisations'
      ? await deps.db
          .select({ n: count() })
          .from(organisations)
          .where(organisationFilters(actor, request.query))
      : request.entity === 'people'
        ? await deps.db.select({ n: count() }).from(people).where(personFilters(deps, request.query))
        : await deps.db.select({ n: count() }).from(mandates).where(mandateFilters(actor, request.query));
  return row?.n ?? 0;
}
