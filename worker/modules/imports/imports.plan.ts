/**
 * The dry run: what each row would do (create, update, nothing, or be
 * rejected with reasons), decided from the file, the mapping and the records
 * the importer can see. The preview shows it; the consumer recomputes it inside
 * its transaction and executes it, so what was previewed is what is committed
 * unless the data changed in between.
 */
import { and, inArray, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { affiliations, organisations, people } from '../../db/schema';
import type { Tx } from '../../lib/records';
import { isCurrentAffiliation } from '../affiliations/affiliations.current';
import { type Actor, hasPermission } from '../identity/actor';
import { canSeeRecord } from '../identity/scope';
import { organisationInput, updateOrganisationSchema } from '../organisations/organisations.schemas';
import { websiteDomain } from '../organisations/organisations.service';
import { personInput, updatePersonSchema } from '../people/people.schemas';
import {
  type ConvertedRow,
  columnOfPath,
  convertRow,
  type ImportEntity,
  type Mapping,
} from './imports.fields';
import type { ParsedRow } from './imports.parser';

export type RowAction = 'create' | 'update' | 'unchanged' | 'reject';
export type MatchKey = 'externalId' | 'websiteDomain' | 'workEmail';

export interface AffiliationLink {
  organisationId: string;
  isPrimary: boolean;
  roleTitle: string | null;
}

export interface PlannedRow {
  row: number;
  action: RowAction;
  reasons: string[];
  /** The raw cell of each mapped field. */
  values: Record<string, string>;
  matchId: string | null;
  matchedBy: MatchKey | null;
  /** Fields an update would change (`organisation` for a new affiliation). */
  changes: string[];
  /** The validated service input (create or update). */
  input: Record<string, unknown> | null;
  /** People: the current affiliation to add. */
  link: AffiliationLink | null;
}

export interface PlanTotals {
  rows: number;
  create: number;
  update: number;
  unchanged: number;
  reject: number;
}

export interface ImportPlan {
  rows: PlannedRow[];
  totals: PlanTotals;
}

export const OUTSIDE_SCOPE = 'A matching record exists outside your scope';

interface Scoped {
  id: string;
  ownerId: string;
  teamId: string | null;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const unique = (values: (string | null | undefined)[]) => [
  ...new Set(values.filter((value): value is string => Boolean(value))),
];

/** zod issues → `path ("Column"): message`, the API's field names plus the file's column. */
function issueReasons(issues: readonly z.core.$ZodIssue[], converted: ConvertedRow): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (!path) return issue.message;
    const column = columnOfPath(issue.path, converted.columns);
    return column ? `${path} ("${column}"): ${issue.message}` : `${path}: ${issue.message}`;
  });
}

/** Fields of a validated update whose value differs from the stored row. */
function changedKeys(data: Record<string, unknown>, row: Record<string, unknown>): string[] {
  const normalise = (value: unknown) => JSON.stringify(value ?? null);
  return Object.keys(data).filter((key) => {
    if (key === 'aum') {
      const aum = data.aum as { amount: string; currency: string } | null;
      return (
        normalise(aum?.amount) !== normalise(row.aumAmount) ||
        normalise(aum?.currency) !== normalise(row.aumCurrency)
      );
    }
    return normalise(data[key]) !== normalise(row[key]);
  });
}

function reject(base: Omit<PlannedRow, 'action' | 'reasons'>, reasons: string[]): PlannedRow {
  return { ...base, action: 'reject', reasons, input: null, link: null, changes: [] };
}

function totalsOf(rows: PlannedRow[]): PlanTotals {
  const totals: PlanTotals = { rows: rows.length, create: 0, update: 0, unchanged: 0, reject: 0 };
  for (const row of rows) totals[row.action]++;
  return totals;
}

/**
 * Per row: shape problems, duplicates within the file, the match (only
 * records the actor can see count; an invisible one rejects the row without
 * saying more), validation with the API's own schemas, and the changes.
 */
export async function planImport(
  db: Tx,
  actor: Actor,
  entity: ImportEntity,
  headers: readonly string[],
  mapping: Mapping,
  rows: readonly ParsedRow[],
): Promise<ImportPlan> {
  const converted = rows.map((row) => ({ row, converted: convertRow(entity, mapping, headers, row.cells) }));
  const planned =
    entity === 'organisations'
      ? await planOrganisations(db, actor, converted)
      : await planPeople(db, actor, converted);
  return { rows: planned, totals: totalsOf(planned) };
}

type Converted = { row: ParsedRow; converted: ConvertedRow }[];

function shapeProblems(row: ParsedRow, converted: ConvertedRow): string[] {
  const reasons = [...converted.problems];
  if (row.extraValues) {
    reasons.unshift(
      `The row has ${row.extraValues} value${row.extraValues === 1 ? '' : 's'} beyond the last column of the header`,
    );
  }
  return reasons;
}

function permissionReason(actor: Actor, entity: ImportEntity, action: 'create' | 'update'): string | null {
  return hasPermission(actor, entity, action) ? null : `Missing permission ${entity}:${action}`;
}

// ---------------------------------------------------------------- organisations

async function planOrganisations(db: Tx, actor: Actor, items: Converted): Promise<PlannedRow[]> {
  const keyOf = (item: Converted[number]) => ({
    externalId: (item.converted.input.externalId as string | undefined) ?? null,
    domain: websiteDomain(item.converted.input.website as string | undefined),
  });
  const keys = items.map(keyOf);
  const externalIds = unique(keys.map((key) => key.externalId));
  const domains = unique(keys.map((key) => key.domain));
  const live = isNull(organisations.deletedAt);
  const [byExternalId, byDomain] = await Promise.all([
    externalIds.length > 0
      ? db
          .select()
          .from(organisations)
          .where(and(live, inArray(organisations.externalId, externalIds)))
      : [],
    domains.length > 0
      ? db
          .select()
          .from(organisations)
          .where(and(live, inArray(organisations.websiteDomain, domains)))
      : [],
  ]);
  const externalIndex = groupBy(byExternalId, (row) => row.externalId);
  const domainIndex = groupBy(byDomain, (row) => row.websiteDomain);
  const seenExternal = new Map<string, number>();
  const seenDomain = new Map<string, number>();
  const targeted = new Map<string, number>();

  return items.map(({ row, converted }, index) => {
    const base = {
      row: row.row,
      values: converted.values,
      matchId: null,
      matchedBy: null,
      changes: [],
      input: null,
      link: null,
    };
    const problems = shapeProblems(row, converted);
    if (problems.length > 0) return reject(base, problems);
    const { externalId, domain } = keys[index] as ReturnType<typeof keyOf>;

    const earlier = externalId ? seenExternal.get(externalId) : domain ? seenDomain.get(domain) : undefined;
    if (externalId && !seenExternal.has(externalId)) seenExternal.set(externalId, row.row);
    if (domain && !seenDomain.has(domain)) seenDomain.set(domain, row.row);
    if (earlier !== undefined) {
      return reject(base, [
        externalId
          ? `Same external id as row ${earlier}: each record once per file`
          : `Same website domain as row ${earlier} (and no external id to tell them apart): each record once per file`,
      ]);
    }

    let match: typeof organisations.$inferSelect | undefined;
    let matchedBy: MatchKey | null = null;
    if (externalId) {
      const found = externalIndex.get(externalId)?.[0];
      if (found && !canSeeRecord(actor, found)) return reject(base, [OUTSIDE_SCOPE]);
      if (found) {
        match = found;
        matchedBy = 'externalId';
      }
    }
    if (!match && domain) {
      const all = domainIndex.get(domain) ?? [];
      const visible = all.filter((candidate) => canSeeRecord(actor, candidate));
      if (visible.length === 0 && all.length > 0) return reject(base, [OUTSIDE_SCOPE]);
      if (visible.length > 1) {
        return reject(base, [
          `${visible.length} organisations in your scope have the website domain ${domain}: add an External ID column to say which`,
        ]);
      }
      const [only] = visible;
      if (only) {
        if (externalId && only.externalId && only.externalId !== externalId) {
          return reject(base, [
            `The organisation with website domain ${domain} has another external id (${only.externalId})`,
          ]);
        }
        match = only;
        matchedBy = 'websiteDomain';
      }
    }
    return planAction(actor, 'organisations', base, converted, match, matchedBy, targeted, {
      create: organisationInput,
      update: updateOrganisationSchema,
    });
  });
}

/** Validation with the API's schemas and the resulting action, common to both entities. */
function planAction(
  actor: Actor,
  entity: ImportEntity,
  base: Omit<PlannedRow, 'action' | 'reasons'>,
  converted: ConvertedRow,
  match: (Scoped & Record<string, unknown>) | undefined,
  matchedBy: MatchKey | null,
  targeted: Map<string, number>,
  schemas: { create: z.ZodType; update: z.ZodType },
  link?: (matchId: string | null) => AffiliationLink | null,
): PlannedRow {
  if (match) {
    const earlier = targeted.get(match.id);
    if (earlier !== undefined) {
      return reject({ ...base, matchId: match.id, matchedBy }, [`Same record as row ${earlier}`]);
    }
    targeted.set(match.id, base.row);
    const denied = permissionReason(actor, entity, 'update');
    if (denied) return reject({ ...base, matchId: match.id, matchedBy }, [denied]);
    const empty = Object.keys(converted.input).length === 0;
    const parsed = empty ? null : schemas.update.safeParse(converted.input);
    if (parsed && !parsed.success) {
      return reject({ ...base, matchId: match.id, matchedBy }, issueReasons(parsed.error.issues, converted));
    }
    const data = (parsed?.data ?? {}) as Record<string, unknown>;
    const affiliation = link?.(match.id) ?? null;
    const changes = [...changedKeys(data, match), ...(affiliation ? ['organisation'] : [])];
    return {
      ...base,
      matchId: match.id,
      matchedBy,
      action: changes.length > 0 ? 'update' : 'unchanged',
      reasons: [],
      changes,
      input: data,
      link: affiliation,
    };
  }
  const denied = permissionReason(actor, entity, 'create');
  if (denied) return reject(base, [denied]);
  const parsed = schemas.create.safeParse(converted.input);
  if (!parsed.success) return reject(base, issueReasons(parsed.error.issues, converted));
  return {
    ...base,
    action: 'create',
    reasons: [],
    input: parsed.data as Record<string, unknown>,
    link: link?.(null) ?? null,
  };
}

// ---------------------------------------------------------------- people

/** Looks like `example.com` / `https://www.example.com`, not like a name. */
function looksLikeDomain(ref: string): boolean {
  return !/\s/.test(ref) && /\.[a-z]{2,}(\/.*)?$/i.test(ref);
}

/**
 * Organisations the actor can see, by exact name (case and accents ignored,
 * as Postgres' unaccent sees them) or by website domain.
 */
async function findOrganisations(db: Tx, actor: Actor, refs: string[]): Promise<Map<string, Scoped[]>> {
  const found = new Map<string, Scoped[]>();
  if (refs.length === 0) return found;
  const add = (ref: string, row: Scoped) => {
    if (!canSeeRecord(actor, row)) return;
    const list = found.get(ref) ?? [];
    if (!list.some((item) => item.id === row.id)) list.push(row);
    found.set(ref, list);
  };
  const byName = await db.execute<{ ref: string; id: string; owner_id: string; team_id: string | null }>(sql`
    select v.ref, o.id, o.owner_id, o.team_id
    from jsonb_array_elements_text(${JSON.stringify(refs)}::jsonb) as v(ref)
    join ${organisations} o on lower(unaccent(o.name)) = lower(unaccent(trim(v.ref)))
    where o.deleted_at is null`);
  for (const row of byName.rows) add(row.ref, { id: row.id, ownerId: row.owner_id, teamId: row.team_id });
  const domains = new Map(
    refs.filter(looksLikeDomain).flatMap((ref) => {
      const domain = websiteDomain(ref);
      return domain ? [[ref, domain] as const] : [];
    }),
  );
  if (domains.size > 0) {
    const rows = await db
      .select({
        id: organisations.id,
        ownerId: organisations.ownerId,
        teamId: organisations.teamId,
        websiteDomain: organisations.websiteDomain,
      })
      .from(organisations)
      .where(
        and(
          isNull(organisations.deletedAt),
          inArray(organisations.websiteDomain, [...new Set(domains.values())]),
        ),
      );
    for (const [ref, domain] of domains) {
      for (const row of rows) if (row.websiteDomain === domain) add(ref, row);
    }
  }
  return found;
}

async function planPeople(db: Tx, actor: Actor, items: Converted): Promise<PlannedRow[]> {
  const keyOf = (item: Converted[number]) => ({
    externalId: (item.converted.input.externalId as string | undefined) ?? null,
    email: (item.converted.input.workEmail as string | undefined)?.toLowerCase() ?? null,
  });
  const keys = items.map(keyOf);
  const externalIds = unique(keys.map((key) => key.externalId));
  const emails = unique(keys.map((key) => key.email));
  const live = and(isNull(people.deletedAt), isNull(people.erasedAt));
  const [byExternalId, byEmail, organisationsByRef] = await Promise.all([
    externalIds.length > 0
      ? db
          .select()
          .from(people)
          .where(and(live, inArray(people.externalId, externalIds)))
      : [],
    emails.length > 0
      ? db
          .select()
          .from(people)
          .where(and(live, inArray(sql`lower(${people.workEmail})`, emails)))
      : [],
    findOrganisations(db, actor, unique(items.map((item) => item.converted.organisationRef))),
  ]);
  const externalIndex = groupBy(byExternalId, (row) => row.externalId);
  const emailIndex = groupBy(byEmail, (row) => row.workEmail?.toLowerCase() ?? null);
  const matchedIds = unique([...byExternalId, ...byEmail].map((row) => row.id));
  const current =
    matchedIds.length > 0
      ? await db
          .select({
            personId: affiliations.personId,
            organisationId: affiliations.organisationId,
            isPrimary: affiliations.isPrimary,
          })
          .from(affiliations)
          .where(
            and(
              inArray(affiliations.personId, matchedIds),
              isNull(affiliations.deletedAt),
              isCurrentAffiliation(),
            ),
          )
      : [];
  const seenExternal = new Map<string, number>();
  const seenEmail = new Map<string, number>();
  const targeted = new Map<string, number>();

  return items.map(({ row, converted }, index) => {
    const base = {
      row: row.row,
      values: converted.values,
      matchId: null,
      matchedBy: null,
      changes: [],
      input: null,
      link: null,
    };
    const problems = shapeProblems(row, converted);
    if (problems.length > 0) return reject(base, problems);
    const { externalId, email } = keys[index] as ReturnType<typeof keyOf>;

    const earlier = externalId ? seenExternal.get(externalId) : email ? seenEmail.get(email) : undefined;
    if (externalId && !seenExternal.has(externalId)) seenExternal.set(externalId, row.row);
    if (email && !seenEmail.has(email)) seenEmail.set(email, row.row);
    if (earlier !== undefined) {
      return reject(base, [
        externalId
          ? `Same external id as row ${earlier}: each person once per file`
          : `Same work email as row ${earlier} (and no external id to tell them apart): each person once per file`,
      ]);
    }

    let organisationId: string | null = null;
    const ref = converted.organisationRef;
    if (ref) {
      const candidates = organisationsByRef.get(ref) ?? [];
      const column = converted.columns.organisation;
      if (candidates.length === 0) {
        return reject(base, [
          `organisation ("${column}"): no organisation named "${ref}" or with that website in your scope; import or create it first, or leave the cell empty`,
        ]);
      }
      if (candidates.length > 1) {
        return reject(base, [
          `organisation ("${column}"): ${candidates.length} organisations match "${ref}"; use its website domain instead`,
        ]);
      }
      organisationId = (candidates[0] as Scoped).id;
      const denied = permissionReason(actor, 'people', 'create');
      if (denied) return reject(base, [`${denied} (needed to add the affiliation)`]);
    }

    let match: typeof people.$inferSelect | undefined;
    let matchedBy: MatchKey | null = null;
    if (externalId) {
      const found = externalIndex.get(externalId)?.[0];
      if (found && !canSeeRecord(actor, found)) return reject(base, [OUTSIDE_SCOPE]);
      if (found) {
        match = found;
        matchedBy = 'externalId';
      }
    }
    if (!match && email) {
      const all = emailIndex.get(email) ?? [];
      const visible = all.filter((candidate) => canSeeRecord(actor, candidate));
      if (visible.length === 0 && all.length > 0) return reject(base, [OUTSIDE_SCOPE]);
      if (visible.length > 1) {
        return reject(base, [
          `${visible.length} people in your scope have the work email ${email}: add an External ID column to say which`,
        ]);
      }
      const [only] = visible;
      if (only) {
        if (externalId && only.externalId && only.externalId !== externalId) {
          return reject(base, [
            `The person with work email ${email} has another external id (${only.externalId})`,
          ]);
        }
        match = only;
        matchedBy = 'workEmail';
      }
    }

    const link = (personId: string | null): AffiliationLink | null => {
      if (!organisationId) return null;
      const existing = personId ? current.filter((item) => item.personId === personId) : [];
      if (existing.some((item) => item.organisationId === organisationId)) return null;
      return {
        organisationId,
        isPrimary: !existing.some((item) => item.isPrimary),
        roleTitle: (converted.input.jobTitle as string | undefined)?.trim() || null,
      };
    };
    return planAction(
      actor,
      'people',
      base,
      converted,
      match,
      matchedBy,
      targeted,
      { create: personInput, update: updatePersonSchema },
      link,
    );
  });
}
