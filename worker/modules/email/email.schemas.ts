import { z } from '@hono/zod-openapi';
import { paginationQuery } from '../../lib/pagination';
import { MANDATE_STATUSES } from '../mandates/mandates.schemas';
import { LANGUAGES } from '../people/people.schemas';
import { blockDocument } from './email.blocks';

const name = z.string().trim().min(1).max(200);
const emailAddress = z.string().trim().toLowerCase().pipe(z.email().max(254));

// ------------------------------------------------------------------ templates

export const templateInput = z.object({
  name: name.openapi({ example: 'Lettre trimestrielle' }),
  subject: z.string().trim().min(1).max(300).openapi({ example: 'Nos convictions pour le trimestre' }),
  preheader: z.string().trim().max(300).nullable().optional(),
  blocks: blockDocument,
});
export const createTemplateSchema = templateInput.openapi('CreateEmailTemplate');
export const updateTemplateSchema = templateInput.partial().openapi('UpdateEmailTemplate');
export const previewTemplateSchema = templateInput
  .omit({ name: true })
  .extend({ personId: z.uuid().optional().openapi({ description: 'Fill variables with this person' }) })
  .openapi('PreviewEmailTemplate');

export const templateSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    subject: z.string(),
    preheader: z.string().nullable(),
    blocks: blockDocument,
    html: z.string().openapi({ description: 'Sanitised HTML with {{variables}} in place' }),
    text: z.string(),
    ownerId: z.uuid(),
    teamId: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('EmailTemplate');

export const templateSummarySchema = templateSchema
  .omit({ blocks: true, html: true, text: true })
  .openapi('EmailTemplateSummary');

export const renderedSchema = z
  .object({ subject: z.string(), html: z.string(), text: z.string(), unknownVariables: z.array(z.string()) })
  .openapi('RenderedEmail');

export const starterSchema = z
  .object({ key: z.string(), name: z.string(), subject: z.string(), blocks: blockDocument })
  .openapi('EmailStarterTemplate');

export const listQuery = z.object({
  ...paginationQuery,
  q: z.string().trim().max(200).optional(),
});

// ------------------------------------------------------------------ segments

export const segmentFilters = z
  .object({
    organisationTypes: z.array(z.string().max(40)).max(10).optional(),
    pipelineStageIds: z.array(z.uuid()).max(20).optional(),
    cities: z.array(z.string().trim().min(1).max(120)).max(50).optional(),
    tags: z.array(z.string().trim().min(1).max(40)).max(30).optional(),
    languages: z.array(z.enum(LANGUAGES)).max(6).optional(),
    mandateStatuses: z.array(z.enum(MANDATE_STATUSES)).max(6).optional(),
    interactedWithinDays: z.number().int().min(1).max(3650).optional(),
    notInteractedForDays: z.number().int().min(1).max(3650).optional(),
    consentGrantedSince: z.iso.date().optional(),
  })
  .openapi('EmailSegmentFilters', {
    description:
      'All conditions must hold. People without granted consent, unsubscribed, suppressed, erased or without an address are always excluded.',
  });

export const SEGMENT_KINDS = ['dynamic', 'static'] as const;

export const segmentInput = z.object({
  name,
  description: z.string().trim().max(2_000).nullable().optional(),
  kind: z.enum(SEGMENT_KINDS).default('dynamic'),
  filters: segmentFilters.default({}),
});
export const createSegmentSchema = segmentInput.openapi('CreateEmailSegment');
export const updateSegmentSchema = segmentInput.omit({ kind: true }).partial().openapi('UpdateEmailSegment');

export const segmentSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    kind: z.enum(SEGMENT_KINDS),
    filters: segmentFilters,
    ownerId: z.uuid(),
    teamId: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('EmailSegment');

export const audienceCountSchema = z
  .object({
    count: z.number().int().openapi({ description: 'Recipients who would receive an email now' }),
    excluded: z
      .object({
        noConsent: z.number().int(),
        suppressed: z.number().int(),
        noEmail: z.number().int(),
      })
      .openapi({ description: 'People matching the filters but never mailed, by reason' }),
    sample: z.array(z.object({ id: z.uuid(), name: z.string(), email: z.string() })),
  })
  .openapi('EmailAudienceCount');

export const listMembersInput = z
  .object({
    personIds: z.array(z.uuid()).max(1_000).optional(),
    csv: z
      .string()
      .max(500_000)
      .optional()
      .openapi({ description: 'CSV text whose cells hold email addresses (one per line is enough)' }),
  })
  .openapi('EmailListMembersInput');

export const listMembersResult = z
  .object({ added: z.number().int(), unmatched: z.array(z.string()) })
  .openapi('EmailListMembersResult');

// ------------------------------------------------------------------ campaigns

export const abTestInput = z
  .object({
    testPercent: z
      .number()
      .int()
      .min(2)
      .max(100)
      .openapi({ description: 'Share of the audience in the test' }),
    metric: z.enum(['opens', 'clicks']).openapi({ description: 'Unique human opens or unique clicks' }),
    waitMinutes: z.number().int().min(1).max(10_080),
    defaultVariant: z
      .string()
      .min(1)
      .max(2)
      .openapi({ description: 'Winner when no difference is significant' }),
    confidence: z.number().min(0.8).max(0.999).default(0.95),
  })
  .openapi('EmailAbTest');

export const variantInput = z.object({
  label: z.string().regex(/^[A-Z]$/, 'One capital letter: A, B…'),
  subject: z.string().trim().min(1).max(300),
  templateId: z.uuid(),
  splitPercent: z.number().int().min(1).max(100).default(100),
});

export const campaignInput = z.object({
  name,
  segmentId: z.uuid(),
  fromName: z.string().trim().min(1).max(120).default('Alforis'),
  fromEmail: emailAddress.default('contact@alforis.fr'),
  variants: z.array(variantInput).min(1).max(5),
  abTest: abTestInput.nullable().optional(),
});

function checkVariants(
  value: { variants?: z.infer<typeof variantInput>[]; abTest?: z.infer<typeof abTestInput> | null },
  ctx: z.core.$RefinementCtx,
) {
  if (!value.variants) return;
  const labels = value.variants.map((variant) => variant.label);
  if (new Set(labels).size !== labels.length) {
    ctx.addIssue({ code: 'custom', path: ['variants'], message: 'Variant labels must differ' });
  }
  if (value.abTest) {
    if (value.variants.length < 2) {
      ctx.addIssue({ code: 'custom', path: ['variants'], message: 'An A/B test needs two variants or more' });
    }
    const total = value.variants.reduce((sum, variant) => sum + variant.splitPercent, 0);
    if (total !== 100) {
      ctx.addIssue({ code: 'custom', path: ['variants'], message: 'Split percentages must add up to 100' });
    }
    if (!labels.includes(value.abTest.defaultVariant)) {
      ctx.addIssue({
        code: 'custom',
        path: ['abTest', 'defaultVariant'],
        message: 'Not one of the variants',
      });
    }
  } else if (value.variants.length > 1) {
    ctx.addIssue({ code: 'custom', path: ['abTest'], message: 'Several variants need an A/B test' });
  }
}

export const createCampaignSchema = campaignInput.superRefine(checkVariants).openapi('CreateEmailCampaign');
export const updateCampaignSchema = campaignInput
  .partial()
  .superRefine(checkVariants)
  .openapi('UpdateEmailCampaign');

export const CAMPAIGN_STATUSES = [
  'draft',
  'scheduled',
  'sending',
  'testing',
  'sent',
  'paused',
  'cancelled',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const variantSchema = z
  .object({
    id: z.uuid(),
    label: z.string(),
    subject: z.string(),
    templateId: z.uuid(),
    splitPercent: z.number().int(),
  })
  .openapi('EmailCampaignVariant');

export const campaignSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    segmentId: z.uuid(),
    fromName: z.string(),
    fromEmail: z.string(),
    status: z.enum(CAMPAIGN_STATUSES),
    scheduledAt: z.string().nullable(),
    startedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    abTest: abTestInput.nullable(),
    winnerVariantId: z.uuid().nullable(),
    winnerReason: z.string().nullable(),
    testEndsAt: z.string().nullable(),
    variants: z.array(variantSchema),
    ownerId: z.uuid(),
    teamId: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('EmailCampaign');

export const scheduleSchema = z
  .object({ at: z.iso.datetime({ offset: true }).openapi({ example: '2026-12-01T08:00:00+01:00' }) })
  .openapi('EmailSchedule');

export const metricsSchema = z
  .object({
    recipients: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    delivered: z.number().int(),
    uniqueOpens: z.number().int().openapi({ description: 'Unique human opens (machine opens excluded)' }),
    machineOpens: z.number().int(),
    uniqueClicks: z.number().int(),
    clickThroughRate: z
      .number()
      .openapi({ description: 'Unique clicks / delivered (or sent when no delivery events)' }),
    openRate: z.number(),
    bounces: z.number().int(),
    unsubscribes: z.number().int(),
    spamReports: z.number().int(),
  })
  .openapi('EmailMetrics');

export const analyticsSchema = z
  .object({
    total: metricsSchema,
    variants: z.array(z.object({ variantId: z.uuid(), label: z.string(), metrics: metricsSchema })),
    daily: z.array(
      z.object({
        day: z.string(),
        sent: z.number().int(),
        opens: z.number().int(),
        clicks: z.number().int(),
      }),
    ),
  })
  .openapi('EmailCampaignAnalytics');

// ------------------------------------------------------------------ events, suppressions

export const EVENT_TYPES = [
  'processed',
  'delivered',
  'deferred',
  'bounce',
  'dropped',
  'open',
  'click',
  'spamreport',
  'unsubscribe',
  'group_unsubscribe',
] as const;

export const eventSchema = z
  .object({
    id: z.uuid(),
    sendId: z.uuid().nullable(),
    type: z.string(),
    email: z.string().nullable(),
    url: z.string().nullable(),
    machine: z.boolean(),
    occurredAt: z.string(),
  })
  .openapi('EmailEvent');

export const eventsQuery = z.object({
  ...paginationQuery,
  campaignId: z.uuid().optional(),
  type: z.enum(EVENT_TYPES).optional(),
});

export const suppressionSchema = z
  .object({ email: z.string(), reason: z.string(), source: z.string().nullable(), createdAt: z.string() })
  .openapi('EmailSuppression');

export const createSuppressionSchema = z
  .object({
    email: emailAddress,
    reason: z.enum(['manual', 'unsubscribe', 'bounce', 'spamreport']).default('manual'),
  })
  .openapi('CreateEmailSuppression');

export const emailParam = z.object({
  email: z
    .string()
    .max(254)
    .openapi({ param: { name: 'email', in: 'path' }, example: 'c.martin@crc-retraite.fr' }),
});

// ------------------------------------------------------------------ sequences

export const STEP_KINDS = ['email', 'wait', 'branch', 'task', 'stop'] as const;

export const stepInput = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('email'), templateId: z.uuid(), subject: z.string().trim().min(1).max(300) }),
    z.object({
      kind: z.literal('wait'),
      amount: z.number().int().min(1).max(365),
      unit: z.enum(['minutes', 'hours', 'days']),
    }),
    z.object({
      kind: z.literal('branch'),
      condition: z.enum(['opened', 'clicked', 'not_opened', 'not_clicked']),
      /** Position to jump to when the condition holds on the last email sent; else the next step. */
      goTo: z.number().int().min(0).max(99),
    }),
    z.object({
      kind: z.literal('task'),
      title: z.string().trim().min(1).max(300),
      dueInDays: z.number().int().min(0).max(365).default(1),
    }),
    z.object({ kind: z.literal('stop') }),
  ])
  .openapi('EmailSequenceStep');

export const sendingWindow = z
  .object({
    weekdays: z
      .array(z.number().int().min(1).max(7))
      .min(1)
      .max(7)
      .openapi({ description: 'ISO weekdays, 1 = Monday' }),
    startHour: z.number().int().min(0).max(23),
    endHour: z.number().int().min(1).max(24),
    timeZone: z.string().max(60).default('Europe/Paris'),
  })
  .refine((value) => value.endHour > value.startHour, {
    message: 'endHour must be after startHour',
    path: ['endHour'],
  })
  .openapi('EmailSendingWindow');

export const STOP_EVENTS = ['interaction.created', 'mandate.signed', 'organisation.stage_changed'] as const;

export const sequenceInput = z.object({
  name,
  fromName: z.string().trim().min(1).max(120).default('Alforis'),
  fromEmail: emailAddress.default('contact@alforis.fr'),
  stopOn: z.array(z.enum(STOP_EVENTS)).max(3).default(['interaction.created']),
  sendingWindow: sendingWindow.nullable().optional(),
  steps: z.array(stepInput).min(1).max(30),
});
export const createSequenceSchema = sequenceInput.openapi('CreateEmailSequence');
export const updateSequenceSchema = sequenceInput
  .partial()
  .extend({ status: z.enum(['draft', 'active', 'paused']).optional() })
  .openapi('UpdateEmailSequence');

export const sequenceSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    status: z.string(),
    fromName: z.string(),
    fromEmail: z.string(),
    stopOn: z.array(z.string()),
    sendingWindow: z.unknown().nullable(),
    steps: z.array(z.object({ id: z.uuid(), position: z.number().int(), step: stepInput })),
    ownerId: z.uuid(),
    teamId: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('EmailSequence');

export const enrolInput = z
  .object({ personIds: z.array(z.uuid()).max(1_000).optional(), segmentId: z.uuid().optional() })
  .refine((value) => value.personIds || value.segmentId, { message: 'personIds or segmentId' })
  .openapi('EmailEnrolInput');

export const enrolmentSchema = z
  .object({
    id: z.uuid(),
    sequenceId: z.uuid(),
    personId: z.uuid(),
    state: z.string(),
    stepPosition: z.number().int(),
    nextRunAt: z.string().nullable(),
    stopReason: z.string().nullable(),
    enrolledAt: z.string(),
  })
  .openapi('EmailEnrolment');
