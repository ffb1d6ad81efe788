import { and, desc, eq, ilike, isNull, lt, or } from 'drizzle-orm';
import type { z } from 'zod';
import { affiliations, emailTemplates, organisations, people } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { decodeCursor, pageOf } from '../../lib/pagination';
import { assertIfMatch, recordChange } from '../../lib/records';
import type { ActorDeps } from '../../lib/service-context';
import { assertPermission } from '../identity/actor';
import type { Block } from './email.blocks';
import { renderEmailHtml, renderEmailText } from './email.render';
import { sanitizeEmailHtml } from './email.sanitize';
import type {
  createTemplateSchema,
  listQuery,
  previewTemplateSchema,
  updateTemplateSchema,
} from './email.schemas';
import { fillVariables, unknownVariables, type VariableValues } from './email.variables';

type TemplateRow = typeof emailTemplates.$inferSelect;

export function toTemplate(row: TemplateRow) {
  return {
    id: row.id,
    name: row.name,
    subject: row.subject,
    preheader: row.preheader,
    blocks: row.blocks as Block[],
    html: row.html,
    text: row.text,
    ownerId: row.ownerId,
    teamId: row.teamId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Renders and sanitises a block document: what is stored and what is sent. */
export async function compileTemplate(input: {
  subject: string;
  preheader?: string | null;
  blocks: Block[];
}) {
  const document = { subject: input.subject, preheader: input.preheader ?? null, blocks: input.blocks };
  const html = await sanitizeEmailHtml(renderEmailHtml(document));
  const text = renderEmailText(document);
  const unknown = [
    ...new Set([...unknownVariables(input.subject), ...unknownVariables(JSON.stringify(input.blocks))]),
  ];
  return { html, text, unknown };
}

function rejectUnknownVariables(unknown: string[]) {
  if (unknown.length === 0) return;
  throw new AppError('VALIDATION_FAILED', {
    detail: `Unknown variables: ${unknown.join(', ')}`,
    errors: unknown.map((name) => ({
      path: 'blocks',
      message: `Unknown variable {{${name}}}`,
      code: 'unknown_variable',
    })),
  });
}

export async function listTemplates(deps: ActorDeps, query: z.infer<typeof listQuery>) {
  assertPermission(deps.actor, 'emails', 'read');
  const [cursorUpdated, cursorId] = query.cursor ? decodeCursor(query.cursor, 2) : [null, null];
  const rows = await deps.db
    .select()
    .from(emailTemplates)
    .where(
      and(
        isNull(emailTemplates.deletedAt),
        query.q ? ilike(emailTemplates.name, `%${query.q.replace(/[%_\\]/g, '\\$&')}%`) : undefined,
        cursorUpdated && cursorId
          ? or(
              lt(emailTemplates.updatedAt, new Date(String(cursorUpdated))),
              and(
                eq(emailTemplates.updatedAt, new Date(String(cursorUpdated))),
                lt(emailTemplates.id, String(cursorId)),
              ),
            )
          : undefined,
      ),
    )
    .orderBy(desc(emailTemplates.updatedAt), desc(emailTemplates.id))
    .limit(query.limit + 1);
  const page = pageOf(rows, query.limit, (row) => [row.updatedAt.toISOString(), row.id]);
  return {
    data: page.data.map((row) => {
      const { blocks: _blocks, html: _html, text: _text, ...summary } = toTemplate(row);
      return summary;
    }),
    nextCursor: page.nextCursor,
  };
}

async function loadTemplate(deps: ActorDeps, id: string): Promise<TemplateRow> {
  const [row] = await deps.db
    .select()
    .from(emailTemplates)
    .where(and(eq(emailTemplates.id, id), isNull(emailTemplates.deletedAt)));
  if (!row) throw new AppError('NOT_FOUND', { detail: 'Template not found' });
  return row;
}

export async function getTemplate(deps: ActorDeps, id: string) {
  assertPermission(deps.actor, 'emails', 'read');
  return toTemplate(await loadTemplate(deps, id));
}

export async function createTemplate(deps: ActorDeps, input: z.infer<typeof createTemplateSchema>) {
  assertPermission(deps.actor, 'emails', 'create');
  const compiled = await compileTemplate(input);
  rejectUnknownVariables(compiled.unknown);
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(emailTemplates)
      .values({
        name: input.name,
        subject: input.subject,
        preheader: input.preheader ?? null,
        blocks: input.blocks,
        html: compiled.html,
        text: compiled.text,
        ownerId: deps.actor.userId,
        teamId: deps.actor.teamId,
      })
      .returning();
    if (!row) throw new Error('template not inserted');
    await recordChange(tx, {
      entityType: 'email_template',
      entityId: row.id,
      action: 'created',
      actor: deps.actor,
      ownerId: row.ownerId,
      teamId: row.teamId,
      events: [],
    });
    return toTemplate(row);
  });
}

export async function updateTemplate(
  deps: ActorDeps,
  id: string,
  input: z.infer<typeof updateTemplateSchema>,
  ifMatch?: string,
) {
  assertPermission(deps.actor, 'emails', 'update');
  return deps.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(emailTemplates)
      .where(and(eq(emailTemplates.id, id), isNull(emailTemplates.deletedAt)))
      .for('update');
    if (!current) throw new AppError('NOT_FOUND', { detail: 'Template not found' });
    assertIfMatch(ifMatch, current.version);
    const next = {
      subject: input.subject ?? current.subject,
      preheader: input.preheader === undefined ? current.preheader : input.preheader,
      blocks: input.blocks ?? (current.blocks as Block[]),
    };
    const compiled = await compileTemplate(next);
    rejectUnknownVariables(compiled.unknown);
    const [row] = await tx
      .update(emailTemplates)
      .set({
        name: input.name ?? current.name,
        ...next,
        html: compiled.html,
        text: compiled.text,
        updatedAt: new Date(),
        version: current.version + 1,
      })
      .where(eq(emailTemplates.id, id))
      .returning();
    if (!row) throw new Error('template not updated');
    await recordChange(tx, {
      entityType: 'email_template',
      entityId: id,
      action: 'updated',
      actor: deps.actor,
      ownerId: row.ownerId,
      teamId: row.teamId,
      events: [],
    });
    return toTemplate(row);
  });
}

export async function deleteTemplate(deps: ActorDeps, id: string) {
  assertPermission(deps.actor, 'emails', 'delete');
  await loadTemplate(deps, id);
  await deps.db.update(emailTemplates).set({ deletedAt: new Date() }).where(eq(emailTemplates.id, id));
}

/** Variable values of one person: first/last name, address, job, city, primary organisation. */
export async function variablesOfPerson(db: ActorDeps['db'], personId: string): Promise<VariableValues> {
  const [row] = await db
    .select({
      firstName: people.firstName,
      lastName: people.lastName,
      workEmail: people.workEmail,
      personalEmail: people.personalEmail,
      jobTitle: people.jobTitle,
      city: people.city,
      organisationName: organisations.name,
      organisationCity: organisations.city,
    })
    .from(people)
    .leftJoin(
      affiliations,
      and(
        eq(affiliations.personId, people.id),
        eq(affiliations.isPrimary, true),
        isNull(affiliations.endDate),
        isNull(affiliations.deletedAt),
      ),
    )
    .leftJoin(organisations, eq(organisations.id, affiliations.organisationId))
    .where(eq(people.id, personId))
    .limit(1);
  if (!row) return {};
  return {
    'person.first_name': row.firstName,
    'person.last_name': row.lastName,
    'person.email': row.workEmail ?? row.personalEmail,
    'person.job_title': row.jobTitle,
    'person.city': row.city,
    'organisation.name': row.organisationName,
    'organisation.city': row.organisationCity,
  };
}

export async function previewTemplate(deps: ActorDeps, input: z.infer<typeof previewTemplateSchema>) {
  assertPermission(deps.actor, 'emails', 'read');
  const compiled = await compileTemplate(input);
  const values: VariableValues = {
    ...(input.personId ? await variablesOfPerson(deps.db, input.personId) : {}),
    unsubscribe_url: '#unsubscribe',
    preferences_url: '#preferences',
  };
  return {
    subject: fillVariables(input.subject, values, 'text'),
    html: fillVariables(compiled.html, values, 'html'),
    text: fillVariables(compiled.text, values, 'text'),
    unknownVariables: compiled.unknown,
  };
}
