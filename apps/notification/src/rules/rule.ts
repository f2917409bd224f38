import { z } from 'zod';
import { notificationChannel } from '@bizosaas/event-schemas';
import { templateKeySchema } from '../triggers/trigger-request.ts';

/** The events a rule may react to; the consumer reads their aggregate types' streams. */
export const RULE_EVENT_TYPES = [
  'user.created',
  'lead.qualified',
  'lead.converted',
  'campaign.launched',
  'campaign.completed',
  'customer.churn_risk_updated',
  'ai.analysis_completed',
  'ai.analysis_failed',
  'analytics.report_ready',
] as const;

export const ruleEventType = z.enum(RULE_EVENT_TYPES);
export type RuleEventType = z.output<typeof ruleEventType>;

export const isRuleEventType = (type: string): type is RuleEventType =>
  (RULE_EVENT_TYPES as readonly string[]).includes(type);

/** Dotted path into the event's data, e.g. `newChurnRisk` or `score.totalScore`. */
const dataPath = z
  .string()
  .regex(/^[A-Za-z_]\w{0,63}(\.[A-Za-z_]\w{0,63}){0,4}$/, 'must be a dotted path such as score.totalScore');

export const ruleRecipient = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('actor') }),
    z.strictObject({ type: z.literal('subject_user') }),
    z.strictObject({ type: z.literal('data_user'), field: dataPath }),
    z.strictObject({ type: z.literal('user'), userId: z.uuid() }),
    z.strictObject({ type: z.literal('email'), email: z.email().max(320) }),
  ])
  .describe(
    'actor: the user who caused the event (skipped when a service did); subject_user: the user the event is about ' +
      "(user events only); data_user: the user whose id is at `field` of the event's data, e.g. requestedBy " +
      '(skipped when it holds none); user: a fixed user of the tenant; email: a fixed address.',
  );
export type RuleRecipient = z.output<typeof ruleRecipient>;

const OPERATORS = ['equals', 'in', 'gt', 'gte', 'lt', 'lte'] as const;
const scalar = z.union([z.string().max(200), z.number(), z.boolean()]);

/** One test on a field of the event's data; every operator given must hold. */
export const ruleCondition = z
  .strictObject({
    field: dataPath,
    equals: scalar.optional(),
    in: z.array(scalar).min(1).max(50).optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
  })
  .refine(
    (condition) => OPERATORS.some((operator) => condition[operator] !== undefined),
    'needs an operator: equals, in, gt, gte, lt or lte',
  );
export type RuleCondition = z.output<typeof ruleCondition>;

/** The rule fires only when every condition holds on the event's data. */
export const ruleWhen = z.array(ruleCondition).min(1).max(10);

const ruleChannels = z
  .array(notificationChannel)
  .min(1)
  .max(4)
  .refine((list) => new Set(list).size === list.length, 'must not repeat a channel');

export const ruleBody = z
  .strictObject({
    eventType: ruleEventType,
    templateKey: templateKeySchema,
    recipient: ruleRecipient,
    /** Default: every channel the template exists on. */
    channels: ruleChannels.optional(),
    when: ruleWhen.optional(),
    enabled: z.boolean().default(true),
  })
  .refine((rule) => rule.recipient.type !== 'subject_user' || rule.eventType.startsWith('user.'), {
    message: 'subject_user is the user a user event is about: only for user events',
    path: ['recipient', 'type'],
  });
export type RuleBody = z.output<typeof ruleBody>;

export const ruleView = z.object({
  id: z.uuid(),
  eventType: ruleEventType,
  templateKey: z.string(),
  recipient: ruleRecipient,
  channels: z.array(notificationChannel).nullable(),
  when: z.array(ruleCondition).nullable(),
  enabled: z.boolean(),
  /** A platform default: it applies until the tenant has a rule for the same eventType and templateKey. */
  builtIn: z.boolean(),
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type Rule = z.output<typeof ruleView>;
