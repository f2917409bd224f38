import { z } from 'zod';
import { currency, moneyAmount } from '@bizosaas/event-schemas';
import { planBody } from '../plans/plan-schema.ts';

const { expectedVersion: _saved, ...planFields } = planBody.shape;

/**
 * A plan as PUT /plan takes it, less expectedVersion (nothing is saved). The plan's own rules
 * (distinct ids, a send, branches forward) are planBody's, applied to the parsed plan.
 */
export const simulatedPlan = z.strictObject(planFields).superRefine((plan, context) => {
  const checked = planBody.safeParse(plan);
  if (checked.success) return;
  for (const issue of checked.error.issues)
    context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});

export const simulateBody = z.strictObject({
  plan: simulatedPlan.optional().describe("The plan to replay (absent: the campaign's saved plan)"),
  from: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('When the simulated launch happens (default: now); history up to then decides'),
  horizonDays: z.int().min(1).max(90).default(30).describe('Days walked from `from`'),
});
export type SimulateBody = z.output<typeof simulateBody>;

const skipReason = z.enum(['capped', 'no_address', 'no_consent']);

export const simulationReport = z.strictObject({
  audience: z.int().min(0).describe("Contacts the plan's filter selects now"),
  reached: z.int().min(0).describe('Recipients who would get at least one message within the horizon'),
  messages: z.int().min(0).describe('Messages that would be sent within the horizon'),
  byStep: z
    .array(
      z.strictObject({
        stepId: z.string(),
        wouldSend: z.int().min(0),
        capped: z.int().min(0).describe("Skipped by the tenant's frequency cap"),
        noAddress: z.int().min(0).describe("Skipped for want of a plain address on the step's channel"),
        noConsent: z
          .int()
          .min(0)
          .describe("Skipped because the customer's preferences refuse the channel or marketing"),
      }),
    )
    .describe("Each send step's outcomes, in the plan's order"),
  skippedReentry: z.int().min(0).describe('Of the audience, kept out by the re-entry cooldown'),
  sample: z
    .array(
      z.strictObject({
        contactId: z.uuid(),
        path: z.array(z.string()).describe('The send steps that would reach the recipient, in order'),
        skipped: z.array(z.strictObject({ stepId: z.string(), reason: skipReason })),
      }),
    )
    .describe('The first 20 entering recipients by contact id'),
  projectedSpend: z
    .strictObject({ amount: moneyAmount, currency })
    .nullable()
    .describe('Null when the campaign has no budget to go by'),
});
export type SimulationReport = z.output<typeof simulationReport>;
