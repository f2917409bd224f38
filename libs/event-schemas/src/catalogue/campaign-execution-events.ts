import { z } from 'zod';
import { defineEvent } from '../define-event.ts';
import { notificationChannel } from './notification-events.ts';
import { currency, moneyAmount } from './values.ts';

// The campaign service's own aggregates (domain-repository keeps the Campaign aggregate):
// - campaign_execution (aggregateId = execution id): one per campaign and channel while it runs;
// - campaign_enrolment (aggregateId = enrolment id): one recipient's way through a campaign's plan;
// - campaign_budget (aggregateId = the campaign's id): the spend ledger and its pacing.

const recipient = z.object({ type: z.enum(['lead', 'customer']), id: z.uuid() });
const day = z.iso.date();
/** integration's provider key (google_ads, meta_ads, ...). */
const adProvider = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, 'must be a provider key');

export const campaignExecutionStarted = defineEvent({
  type: 'campaign.execution_started',
  aggregateType: 'campaign_execution',
  description: "A launched campaign's channel began running its plan over its frozen audience.",
  data: z.object({
    campaignId: z.uuid(),
    channel: notificationChannel,
    /** Recipients enrolled when the audience was frozen at launch. */
    audienceSize: z.int().min(0),
    planVersion: z.int().min(1),
  }),
  example: {
    campaignId: '0192f5a4-0b1c-7d2e-9f30-415263748596',
    channel: 'email',
    audienceSize: 1200,
    planVersion: 2,
  },
});

export const campaignExecutionPaused = defineEvent({
  type: 'campaign.execution_paused',
  aggregateType: 'campaign_execution',
  description: 'A running execution stopped sending (its campaign was paused); nothing more leaves until it resumes.',
  data: z.object({ campaignId: z.uuid(), reason: z.string().trim().min(1).max(1000).nullable() }),
  example: { campaignId: '0192f5a4-0b1c-7d2e-9f30-415263748596', reason: 'Creative under review' },
});

export const campaignExecutionResumed = defineEvent({
  type: 'campaign.execution_resumed',
  aggregateType: 'campaign_execution',
  description: 'A paused execution runs again from where it stopped.',
  data: z.object({ campaignId: z.uuid() }),
  example: { campaignId: '0192f5a4-0b1c-7d2e-9f30-415263748596' },
});

export const campaignExecutionCompleted = defineEvent({
  type: 'campaign.execution_completed',
  aggregateType: 'campaign_execution',
  description: 'An execution ended: every recipient went through the plan, or its campaign ended first.',
  data: z.object({
    campaignId: z.uuid(),
    reason: z.enum(['plan_finished', 'campaign_completed']),
    enrolled: z.int().min(0),
    sent: z.int().min(0),
  }),
  example: { campaignId: '0192f5a4-0b1c-7d2e-9f30-415263748596', reason: 'plan_finished', enrolled: 1200, sent: 1187 },
});

export const campaignRecipientEnrolled = defineEvent({
  type: 'campaign.recipient_enrolled',
  aggregateType: 'campaign_enrolment',
  description: "A recipient of a campaign's frozen audience entered its plan.",
  data: z.object({
    campaignId: z.uuid(),
    executionId: z.uuid(),
    recipient,
    /** The A/B variant the recipient's keyed hash chose, when the plan splits. */
    variant: z.string().min(1).max(50).nullable(),
  }),
  example: {
    campaignId: '0192f5a4-0b1c-7d2e-9f30-415263748596',
    executionId: '0192f5a4-1111-7d2e-9f30-415263748596',
    recipient: { type: 'lead', id: '0192f5a4-2c3d-7e4f-8a50-617283940a1b' },
    variant: null,
  },
});

export const campaignMessageSent = defineEvent({
  type: 'campaign.message_sent',
  aggregateType: 'campaign_enrolment',
  description:
    'A send step of the plan went to notification for one recipient (once: its transactionId is the enrolment key).',
  data: z.object({
    campaignId: z.uuid(),
    stepId: z.string().min(1).max(50),
    recipient,
    channel: notificationChannel,
    templateKey: z.string().min(1).max(100),
    /** notification's transactionId: `campaign:<campaignId>:<stepId>:<recipientId>`. */
    transactionId: z.string().min(1).max(128),
    variant: z.string().min(1).max(50).nullable(),
  }),
  example: {
    campaignId: '0192f5a4-0b1c-7d2e-9f30-415263748596',
    stepId: 'welcome',
    recipient: { type: 'lead', id: '0192f5a4-2c3d-7e4f-8a50-617283940a1b' },
    channel: 'email',
    templateKey: 'spring-promo',
    transactionId: 'campaign:0192f5a4-0b1c-7d2e-9f30-415263748596:welcome:0192f5a4-2c3d-7e4f-8a50-617283940a1b',
    variant: null,
  },
});

export const campaignSpendRecorded = defineEvent({
  type: 'campaign.spend_recorded',
  aggregateType: 'campaign_budget',
  description:
    "A ledger entry of a campaign's spend for a day: entered by hand, or an ad platform's total for one linked external campaign and day (a re-sync replaces that entry's amount). The ledger is the last amount of each entry.",
  data: z.object({
    campaignId: z.uuid(),
    /** An ad platform's (external campaign, day) keeps one entry id across re-syncs. */
    entryId: z.uuid(),
    /** The UTC day the money was spent on. */
    date: day,
    /** The entry's amount now (for ad metrics: the day's total as last synced, never a sum of syncs). */
    amount: moneyAmount,
    /** The amount this re-sync replaced; null for a new entry. */
    previousAmount: moneyAmount.nullable(),
    currency,
    source: z.enum(['manual', 'ad_metrics']),
    /** The linked ad platform campaign of an ad_metrics entry; null for a manual one. */
    adCampaign: z.object({ provider: adProvider, externalCampaignId: z.string().min(1).max(100) }).nullable(),
  }),
  example: {
    campaignId: '0192f5a4-0b1c-7d2e-9f30-415263748596',
    entryId: '0192f5a4-3333-7d2e-9f30-415263748596',
    date: '2025-03-04',
    amount: '125.40',
    previousAmount: null,
    currency: 'USD',
    source: 'manual',
    adCampaign: null,
  },
});

export const campaignPacingLimitReached = defineEvent({
  type: 'campaign.pacing_limit_reached',
  aggregateType: 'campaign_budget',
  description:
    "A campaign's spend reached a pacing cap (2x the average daily budget in a day, 30.4x in a month, or the total budget); it was paused or, at the total, completed.",
  data: z.object({
    campaignId: z.uuid(),
    limit: z.enum(['daily', 'monthly', 'total']),
    /** The day (daily), the month's first day (monthly) or the day the total was reached. */
    period: day,
    spent: moneyAmount,
    cap: moneyAmount,
    currency,
    action: z.enum(['paused', 'completed']),
  }),
  example: {
    campaignId: '0192f5a4-0b1c-7d2e-9f30-415263748596',
    limit: 'daily',
    period: '2025-03-04',
    spent: '1000.00',
    cap: '1000.00',
    currency: 'USD',
    action: 'paused',
  },
});

export const campaignAbWinnerSelected = defineEvent({
  type: 'campaign.ab_winner_selected',
  aggregateType: 'campaign_execution',
  description: "An A/B step's test ended: the winning variant goes to the rest of the audience.",
  data: z.object({
    campaignId: z.uuid(),
    stepId: z.string().min(1).max(50),
    metric: z.enum(['open_rate', 'click_rate', 'conversion_rate']),
    winner: z.string().min(1).max(50),
    variants: z
      .array(
        z.object({
          variant: z.string().min(1).max(50),
          recipients: z.int().min(0),
          successes: z.int().min(0),
          /** successes / recipients, as a 4-place decimal string. */
          rate: z.string().regex(/^(0|1)\.\d{4}$/),
        }),
      )
      .min(2),
    /** Two-sided p-value of the two-proportion test between the two best variants. */
    pValue: z.number().min(0).max(1),
  }),
  example: {
    campaignId: '0192f5a4-0b1c-7d2e-9f30-415263748596',
    stepId: 'subject-test',
    metric: 'open_rate',
    winner: 'b',
    variants: [
      { variant: 'a', recipients: 500, successes: 105, rate: '0.2100' },
      { variant: 'b', recipients: 500, successes: 140, rate: '0.2800' },
    ],
    pValue: 0.0093,
  },
});
