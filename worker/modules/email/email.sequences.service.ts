import { and, asc, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client';
import {
  affiliations,
  emailEnrolments,
  emailEvents,
  emailListMembers,
  emailSends,
  emailSequenceSteps,
  emailSequences,
  interactionParticipants,
  mandates,
  tasks,
} from '../../db/schema';
import { AppError } from '../../lib/errors';
import { recordChange } from '../../lib/records';
import type { ActorDeps } from '../../lib/service-context';
import type { DomainEventMessage } from '../../queues/messages';
import { envelopeSchema } from '../../queues/messages';
import { assertPermission } from '../identity/actor';
import { audienceRecipients, audienceScope, isEligible, loadSegment } from './email.audience';
import type {
  createSequenceSchema,
  enrolInput,
  sendingWindow,
  stepInput,
  updateSequenceSchema,
} from './email.schemas';
import { enqueueSends, type SendingDeps } from './email.sending';

/**
 * Drip sequences: steps (email, wait, branch on opened/clicked, task, stop)
 * and one enrolment per person, a state machine advanced by the queue when
 * its `next_run_at` is due. CRM events (a reply or meeting logged, a mandate
 * signed, a stage change) stop enrolments.
 */

type Step = z.infer<typeof stepInput>;
type Window = z.infer<typeof sendingWindow>;
type SequenceRow = typeof emailSequences.$inferSelect;
type StepRow = typeof emailSequenceSteps.$inferSelect;

export const sequenceAdvanceMessageSchema = envelopeSchema.extend({
  type: z.literal('email.sequence_advance'),
  enrolmentIds: z.array(z.uuid()).min(1).max(100),
  /** The cron tick that found them due: the state machine runs as of then (simulated time in tests). */
  asOf: z.iso.datetime().optional(),
});

const LEASE_MINUTES = 5;
const MAX_STEPS_PER_RUN = 25;

function toSequence(row: SequenceRow, steps: StepRow[]) {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    fromName: row.fromName,
    fromEmail: row.fromEmail,
    stopOn: row.stopOn,
    sendingWindow: row.sendingWindow ?? null,
    steps: steps
      .filter((step) => step.sequenceId === row.id)
      .sort((left, right) => left.position - right.position)
      .map((step) => ({
        id: step.id,
        position: step.position,
        step: { kind: step.kind, ...(step.config as object) } as Step,
      })),
    ownerId: row.ownerId,
    teamId: row.teamId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function stepRows(sequenceId: string, steps: Step[]) {
  return steps.map((step, position) => {
    const { kind, ...config } = step;
    return { sequenceId, position, kind, config };
  });
}

async function loadSequence(db: Database, id: string) {
  const [row] = await db
    .select()
    .from(emailSequences)
    .where(and(eq(emailSequences.id, id), isNull(emailSequences.deletedAt)));
  if (!row) throw new AppError('NOT_FOUND', { detail: 'Sequence not found' });
  const steps = await db.select().from(emailSequenceSteps).where(eq(emailSequenceSteps.sequenceId, id));
  return { row, steps };
}

export async function listSequences(deps: ActorDeps) {
  assertPermission(deps.actor, 'emails', 'read');
  const rows = await deps.db
    .select()
    .from(emailSequences)
    .where(isNull(emailSequences.deletedAt))
    .orderBy(desc(emailSequences.updatedAt))
    .limit(200);
  const steps =
    rows.length > 0
      ? await deps.db
          .select()
          .from(emailSequenceSteps)
          .where(
            inArray(
              emailSequenceSteps.sequenceId,
              rows.map((row) => row.id),
            ),
          )
      : [];
  return { data: rows.map((row) => toSequence(row, steps)), nextCursor: null };
}

export async function getSequence(deps: ActorDeps, id: string) {
  assertPermission(deps.actor, 'emails', 'read');
  const { row, steps } = await loadSequence(deps.db, id);
  return toSequence(row, steps);
}

function checkBranches(steps: Step[]) {
  steps.forEach((step, index) => {
    if (step.kind === 'branch' && step.goTo >= steps.length) {
      throw new AppError('VALIDATION_FAILED', {
        detail: 'A branch points past the last step',
        errors: [{ path: `steps.${index}.goTo`, message: `At most ${steps.length - 1}`, code: 'too_big' }],
      });
    }
  });
}

export async function createSequence(deps: ActorDeps, input: z.infer<typeof createSequenceSchema>) {
  assertPermission(deps.actor, 'emails', 'create');
  checkBranches(input.steps);
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(emailSequences)
      .values({
        name: input.name,
        fromName: input.fromName,
        fromEmail: input.fromEmail,
        stopOn: input.stopOn,
        sendingWindow: input.sendingWindow ?? null,
        ownerId: deps.actor.userId,
        teamId: deps.actor.teamId,
      })
      .returning();
    if (!row) throw new Error('sequence not inserted');
    const steps = await tx.insert(emailSequenceSteps).values(stepRows(row.id, input.steps)).returning();
    await recordChange(tx, {
      entityType: 'email_sequence',
      entityId: row.id,
      action: 'created',
      actor: deps.actor,
      ownerId: row.ownerId,
      teamId: row.teamId,
      events: [],
    });
    return toSequence(row, steps);
  });
}

export async function updateSequence(
  deps: ActorDeps,
  id: string,
  input: z.infer<typeof updateSequenceSchema>,
) {
  // Activating a sequence starts sending: that is `manage`, like sending a campaign.
  assertPermission(deps.actor, 'emails', input.status === 'active' ? 'manage' : 'update');
  if (input.steps) checkBranches(input.steps);
  return deps.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(emailSequences)
      .where(and(eq(emailSequences.id, id), isNull(emailSequences.deletedAt)))
      .for('update');
    if (!current) throw new AppError('NOT_FOUND', { detail: 'Sequence not found' });
    if (input.steps) {
      const [active] = await tx
        .select({ id: emailEnrolments.id })
        .from(emailEnrolments)
        .where(and(eq(emailEnrolments.sequenceId, id), eq(emailEnrolments.state, 'active')))
        .limit(1);
      if (active) throw new AppError('CONFLICT', { detail: 'Steps cannot change while people are enrolled' });
      await tx.delete(emailSequenceSteps).where(eq(emailSequenceSteps.sequenceId, id));
      await tx.insert(emailSequenceSteps).values(stepRows(id, input.steps));
    }
    const [row] = await tx
      .update(emailSequences)
      .set({
        name: input.name ?? current.name,
        status: input.status ?? current.status,
        fromName: input.fromName ?? current.fromName,
        fromEmail: input.fromEmail ?? current.fromEmail,
        stopOn: input.stopOn ?? current.stopOn,
        sendingWindow: input.sendingWindow === undefined ? current.sendingWindow : input.sendingWindow,
        updatedAt: new Date(),
        version: current.version + 1,
      })
      .where(eq(emailSequences.id, id))
      .returning();
    if (!row) throw new Error('sequence not updated');
    await recordChange(tx, {
      entityType: 'email_sequence',
      entityId: id,
      action: 'updated',
      actor: deps.actor,
      ownerId: row.ownerId,
      teamId: row.teamId,
      events: [],
    });
    const steps = await tx.select().from(emailSequenceSteps).where(eq(emailSequenceSteps.sequenceId, id));
    return toSequence(row, steps);
  });
}

export async function deleteSequence(deps: ActorDeps, id: string) {
  assertPermission(deps.actor, 'emails', 'delete');
  await loadSequence(deps.db, id);
  await deps.db.transaction(async (tx) => {
    await tx
      .update(emailSequences)
      .set({ deletedAt: new Date(), status: 'paused' })
      .where(eq(emailSequences.id, id));
    await tx
      .update(emailEnrolments)
      .set({ state: 'stopped', stopReason: 'sequence deleted', nextRunAt: null })
      .where(and(eq(emailEnrolments.sequenceId, id), eq(emailEnrolments.state, 'active')));
  });
}

function toEnrolment(row: typeof emailEnrolments.$inferSelect) {
  return {
    id: row.id,
    sequenceId: row.sequenceId,
    personId: row.personId,
    state: row.state,
    stepPosition: row.stepPosition,
    nextRunAt: row.nextRunAt?.toISOString() ?? null,
    stopReason: row.stopReason,
    enrolledAt: row.enrolledAt.toISOString(),
  };
}

/** Enrols people (by hand or a segment's eligible recipients); people already enrolled are left as they are. */
export async function enrol(
  deps: ActorDeps,
  sequenceId: string,
  input: z.infer<typeof enrolInput>,
  now = new Date(),
) {
  assertPermission(deps.actor, 'emails', 'manage');
  await loadSequence(deps.db, sequenceId);
  const personIds = new Set(input.personIds ?? []);
  if (input.segmentId) {
    const segment = await loadSegment(deps.db, input.segmentId);
    if (!segment)
      throw new AppError('VALIDATION_FAILED', {
        detail: 'No such segment',
        errors: [{ path: 'segmentId', message: 'No such segment', code: 'not_found' }],
      });
    const recipients = await audienceRecipients(
      deps.db,
      segment,
      await audienceScope(deps.db, deps.actor.userId),
      sequenceId,
    );
    for (const recipient of recipients) personIds.add(recipient.personId);
  }
  if (personIds.size === 0) return { enrolled: 0 };
  const rows = await deps.db
    .insert(emailEnrolments)
    .values([...personIds].map((personId) => ({ sequenceId, personId, nextRunAt: now })))
    .onConflictDoNothing()
    .returning({ id: emailEnrolments.id });
  return { enrolled: rows.length };
}

export async function listEnrolments(deps: ActorDeps, sequenceId: string) {
  assertPermission(deps.actor, 'emails', 'read');
  await loadSequence(deps.db, sequenceId);
  const rows = await deps.db
    .select()
    .from(emailEnrolments)
    .where(eq(emailEnrolments.sequenceId, sequenceId))
    .orderBy(desc(emailEnrolments.enrolledAt))
    .limit(500);
  return { data: rows.map(toEnrolment), nextCursor: null };
}

export async function stopEnrolment(deps: ActorDeps, sequenceId: string, enrolmentId: string) {
  assertPermission(deps.actor, 'emails', 'manage');
  const [row] = await deps.db
    .update(emailEnrolments)
    .set({
      state: 'stopped',
      stopReason: `stopped by ${deps.actor.name}`,
      nextRunAt: null,
      updatedAt: new Date(),
    })
    .where(and(eq(emailEnrolments.id, enrolmentId), eq(emailEnrolments.sequenceId, sequenceId)))
    .returning();
  if (!row) throw new AppError('NOT_FOUND', { detail: 'Enrolment not found' });
  return toEnrolment(row);
}

// ------------------------------------------------------------------ the state machine

const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function localTime(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  return {
    weekday: WEEKDAY[parts.find((part) => part.type === 'weekday')?.value ?? 'Mon'] ?? 1,
    hour: Number(parts.find((part) => part.type === 'hour')?.value ?? 0),
  };
}

/** `at` if it falls in the window, else the start of the next window hour (in the window's time zone). */
export function nextInWindow(at: Date, window: Window | null): Date {
  if (!window) return at;
  const inside = (moment: Date) => {
    const local = localTime(moment, window.timeZone);
    return (
      window.weekdays.includes(local.weekday) && local.hour >= window.startHour && local.hour < window.endHour
    );
  };
  if (inside(at)) return at;
  const hour = new Date(at);
  hour.setUTCMinutes(0, 0, 0);
  for (let step = 1; step <= 8 * 24; step++) {
    const candidate = new Date(hour.getTime() + step * 3_600_000);
    if (inside(candidate)) return candidate;
  }
  return at;
}

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

/** Cron: due enrolments go on the queue, 50 a message. */
export async function enqueueDueEnrolments(db: Database, env: Env, now = new Date()): Promise<number> {
  const due = await db
    .select({ id: emailEnrolments.id })
    .from(emailEnrolments)
    .innerJoin(emailSequences, eq(emailSequences.id, emailEnrolments.sequenceId))
    .where(
      and(
        eq(emailEnrolments.state, 'active'),
        lte(emailEnrolments.nextRunAt, now),
        eq(emailSequences.status, 'active'),
        isNull(emailSequences.deletedAt),
      ),
    )
    .limit(5_000);
  for (let index = 0; index < due.length; index += 50) {
    const ids = due.slice(index, index + 50).map((row) => row.id);
    await env.EMAIL_SENDS_QUEUE.send(
      {
        id: `email.sequence_advance:${ids[0]}:${now.getTime()}`,
        type: 'email.sequence_advance',
        enrolmentIds: ids,
      },
      { contentType: 'json' },
    );
  }
  return due.length;
}

async function lastSendOutcome(db: Database, enrolmentId: string) {
  const [last] = await db
    .select({ id: emailSends.id })
    .from(emailSends)
    .where(eq(emailSends.enrolmentId, enrolmentId))
    .orderBy(desc(emailSends.queuedAt))
    .limit(1);
  if (!last) return { opened: false, clicked: false };
  const [row] = await db
    .select({
      opened: sql<boolean>`bool_or(${emailEvents.type} = 'open' and not ${emailEvents.machine})`,
      clicked: sql<boolean>`bool_or(${emailEvents.type} = 'click' and not ${emailEvents.machine})`,
    })
    .from(emailEvents)
    .where(eq(emailEvents.sendId, last.id));
  return { opened: row?.opened ?? false, clicked: row?.clicked ?? false };
}

/**
 * `email.sequence_advance`: runs each due enrolment until it waits, leaves
 * the sending window, or ends. An enrolment is leased by pushing its
 * `next_run_at` ahead, so a duplicate delivery finds it not due.
 */
export async function advanceEnrolments(
  message: z.infer<typeof sequenceAdvanceMessageSchema>,
  deps: SendingDeps,
): Promise<void> {
  const { db } = deps;
  const now = new Date(Math.max(Date.now(), message.asOf ? Date.parse(message.asOf) : 0));
  for (const enrolmentId of message.enrolmentIds) {
    const [enrolment] = await db
      .update(emailEnrolments)
      .set({ nextRunAt: new Date(now.getTime() + LEASE_MINUTES * 60_000), updatedAt: now })
      .where(
        and(
          eq(emailEnrolments.id, enrolmentId),
          eq(emailEnrolments.state, 'active'),
          lte(emailEnrolments.nextRunAt, now),
        ),
      )
      .returning();
    if (!enrolment) continue;
    const [sequence] = await db
      .select()
      .from(emailSequences)
      .where(eq(emailSequences.id, enrolment.sequenceId));
    if (sequence?.status !== 'active' || sequence.deletedAt) continue;
    const steps = await db
      .select()
      .from(emailSequenceSteps)
      .where(eq(emailSequenceSteps.sequenceId, sequence.id))
      .orderBy(asc(emailSequenceSteps.position));
    let position = enrolment.stepPosition;
    let state = 'active';
    let stopReason: string | null = null;
    let nextRunAt: Date | null = now;
    const newSends: string[] = [];
    for (let guard = 0; guard < MAX_STEPS_PER_RUN && state === 'active'; guard++) {
      const row = steps.find((step) => step.position === position);
      if (!row) {
        state = 'completed';
        nextRunAt = null;
        break;
      }
      const step = { kind: row.kind, ...(row.config as object) } as Step;
      if (step.kind === 'stop') {
        state = 'completed';
        nextRunAt = null;
      } else if (step.kind === 'wait') {
        nextRunAt = new Date(now.getTime() + step.amount * UNIT_MS[step.unit]);
        position++;
        break;
      } else if (step.kind === 'branch') {
        const outcome = await lastSendOutcome(db, enrolment.id);
        const holds =
          step.condition === 'opened'
            ? outcome.opened
            : step.condition === 'clicked'
              ? outcome.clicked
              : step.condition === 'not_opened'
                ? !outcome.opened
                : !outcome.clicked;
        position = holds ? step.goTo : position + 1;
      } else if (step.kind === 'task') {
        const dueDate = new Date(now.getTime() + step.dueInDays * 86_400_000).toISOString().slice(0, 10);
        await db.insert(tasks).values({
          title: step.title,
          dueDate,
          personId: enrolment.personId,
          assigneeId: sequence.ownerId,
          ownerId: sequence.ownerId,
          teamId: sequence.teamId,
          description: `Séquence « ${sequence.name} »`,
        });
        position++;
      } else {
        const windowStart = nextInWindow(now, sequence.sendingWindow as Window | null);
        if (windowStart.getTime() > now.getTime()) {
          nextRunAt = windowStart;
          break;
        }
        const recipient = await isEligible(db, enrolment.personId);
        if (!recipient) {
          state = 'stopped';
          stopReason = 'not eligible (consent, suppression or address)';
          nextRunAt = null;
          break;
        }
        const inserted = await db
          .insert(emailSends)
          .values({
            idempotencyKey: `step:${row.id}:${enrolment.id}`,
            enrolmentId: enrolment.id,
            stepId: row.id,
            personId: enrolment.personId,
            email: recipient.email,
          })
          .onConflictDoNothing({ target: emailSends.idempotencyKey })
          .returning({ id: emailSends.id });
        for (const send of inserted) newSends.push(send.id);
        position++;
      }
    }
    await db
      .update(emailEnrolments)
      .set({ stepPosition: position, state, stopReason, nextRunAt, updatedAt: now })
      .where(and(eq(emailEnrolments.id, enrolment.id), eq(emailEnrolments.state, 'active')));
    if (newSends.length > 0) await enqueueSends(deps.env, newSends);
  }
}

// ------------------------------------------------------------------ CRM events

async function peopleOfEvent(db: Database, event: DomainEventMessage): Promise<string[]> {
  if (event.type === 'interaction.created') {
    const participants = (event.payload.participants as { people?: string[] } | undefined)?.people;
    if (participants) return participants;
    const rows = await db
      .select({ id: interactionParticipants.participantId })
      .from(interactionParticipants)
      .where(
        and(
          eq(interactionParticipants.interactionId, event.entityId),
          eq(interactionParticipants.kind, 'person'),
        ),
      );
    return rows.map((row) => row.id);
  }
  const organisationId =
    event.type === 'mandate.signed'
      ? (
          await db
            .select({ id: mandates.organisationId })
            .from(mandates)
            .where(eq(mandates.id, event.entityId))
        )[0]?.id
      : event.entityId;
  if (!organisationId) return [];
  const rows = await db
    .select({ id: affiliations.personId })
    .from(affiliations)
    .where(
      and(
        eq(affiliations.organisationId, organisationId),
        isNull(affiliations.endDate),
        isNull(affiliations.deletedAt),
      ),
    );
  return rows.map((row) => row.id);
}

/** Domain-event subscriber: stop conditions and GDPR erasure. Idempotent (updates and deletes). */
export async function handleEmailDomainEvent(
  event: DomainEventMessage,
  deps: { db: Database },
): Promise<void> {
  const { db } = deps;
  if (event.type === 'person.erased') {
    // The person's email history goes with them; events cascade with their sends.
    await db.delete(emailSends).where(eq(emailSends.personId, event.entityId));
    await db.delete(emailEnrolments).where(eq(emailEnrolments.personId, event.entityId));
    await db.delete(emailListMembers).where(eq(emailListMembers.personId, event.entityId));
    return;
  }
  if (!['interaction.created', 'mandate.signed', 'organisation.stage_changed'].includes(event.type)) return;
  const personIds = await peopleOfEvent(db, event);
  if (personIds.length === 0) return;
  await db
    .update(emailEnrolments)
    .set({ state: 'stopped', stopReason: event.type, nextRunAt: null, updatedAt: new Date() })
    .where(
      and(
        eq(emailEnrolments.state, 'active'),
        inArray(emailEnrolments.personId, personIds),
        sql`${emailEnrolments.sequenceId} in (select id from email_sequences where ${event.type} = any(stop_on))`,
      ),
    );
}
