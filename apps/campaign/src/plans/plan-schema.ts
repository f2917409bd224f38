import { IANAZone } from 'luxon';
import { z } from 'zod';
import { notificationChannel } from '@bizosaas/event-schemas';
import { abTest } from '../ab/ab-test-schema.ts';
import { audienceFilter } from '../audience/audience-filter.ts';

// Step ids are part of notification's transactionId (`campaign:<uuid>:<stepId>:<uuid>`, at most
// 128 characters), so they stay short.
const stepId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be 1-40 lowercase letters, digits, _ or -');
const templateKey = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'must be a template key');

const sendStep = z.strictObject({
  type: z.literal('send'),
  id: stepId,
  /** The channels a lead or customer has an address on (push and in-app reach platform users). */
  channel: notificationChannel.extract(['email', 'sms']),
  templateKey,
  /** Transactional messages are exempt from the tenant's frequency cap. */
  category: z.enum(['marketing', 'transactional']).default('marketing'),
  /** Variants tested on a share of the audience; the winner's template goes to the rest. */
  abTest: abTest.optional(),
});

const waitStep = z
  .strictObject({
    type: z.literal('wait'),
    id: stepId,
    /** A fixed delay. */
    hours: z
      .number()
      .min(0)
      .max(24 * 90)
      .optional(),
    /** Or until the next time of day in the recipient's zone (else `timezone`), "HH:mm". */
    untilLocalTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm')
      .optional(),
    timezone: z
      .string()
      .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Europe/Berlin')
      .default('UTC'),
  })
  .refine((step) => (step.hours === undefined) !== (step.untilLocalTime === undefined), {
    message: 'needs exactly one of hours or untilLocalTime',
  });

const branchStep = z.strictObject({
  type: z.literal('branch'),
  id: stepId,
  /** What the recipient did with the plan's previous send (converted: the lead converted). */
  on: z.enum(['opened', 'clicked', 'converted']),
  /** How long after the previous send the event may come. */
  withinHours: z
    .number()
    .min(0)
    .max(24 * 90),
  /** The step to go to (null: the recipient's journey ends). Only later steps: a plan has no loops. */
  then: stepId.nullable(),
  otherwise: stepId.nullable(),
});

export const planStep = z.discriminatedUnion('type', [sendStep, waitStep, branchStep]);

export const planAudience = z.strictObject({
  filter: audienceFilter,
  /** A contact enrolled in another campaign of the tenant within these days does not enter (re-entry policy). */
  reentryCooldownDays: z.int().min(1).max(365).nullable().default(null),
});

export const planBody = z
  .strictObject({
    audience: planAudience,
    steps: z.array(planStep).min(1).max(50),
    /** This campaign's sends per minute at most (null: as fast as the platform goes). */
    sendRatePerMinute: z.int().min(1).max(100_000).nullable().default(null),
    /** The plan's version the caller read (absent: replace whatever is there). */
    expectedVersion: z.int().min(0).optional(),
  })
  .superRefine((plan, context) => {
    const index = new Map(plan.steps.map((step, i) => [step.id, i]));
    if (index.size !== plan.steps.length)
      context.addIssue({ code: 'custom', path: ['steps'], message: 'step ids must be distinct' });
    if (!plan.steps.some((step) => step.type === 'send'))
      context.addIssue({ code: 'custom', path: ['steps'], message: 'needs at least one send step' });
    // A recipient's enrolment holds one variant: one A/B test per plan.
    if (plan.steps.filter((step) => step.type === 'send' && step.abTest).length > 1)
      context.addIssue({ code: 'custom', path: ['steps'], message: 'may have one A/B test step at most' });
    plan.steps.forEach((step, i) => {
      if (step.type !== 'branch') return;
      for (const field of ['then', 'otherwise'] as const) {
        const target = step[field];
        if (target !== null && !((index.get(target) ?? -1) > i))
          context.addIssue({
            code: 'custom',
            path: ['steps', i, field],
            message: `must name a later step of the plan (or null), not ${target}`,
          });
      }
    });
  });

export type PlanStep = z.output<typeof planStep>;
export type PlanBody = z.output<typeof planBody>;
export type PlanAudience = z.output<typeof planAudience>;

/** A plan as stored (the body without expectedVersion). */
export interface Plan {
  campaignId: string;
  version: number;
  audience: PlanAudience;
  steps: PlanStep[];
  sendRatePerMinute: number | null;
  frozenAt: Date | null;
  updatedAt: Date;
}
