import { z } from 'zod';
import { defineEvent } from '../define-event.ts';
import { currency, leadSource, moneyAmount, percentScore, personalEmail, personName, phoneNumber } from './values.ts';

const optionalText = (max: number) => z.string().trim().min(1).max(max).nullable();

const leadContact = z.object({
  email: personalEmail,
  firstName: personName.nullable(),
  lastName: personName.nullable(),
  phone: phoneNumber.nullable(),
  company: optionalText(200),
  jobTitle: optionalText(200),
});

// The lead's id is the envelope's aggregateId.
export const leadCreated = defineEvent({
  type: 'lead.created',
  aggregateType: 'lead',
  description: 'A new lead was captured (web form, import, CRM sync or by hand).',
  data: z.object({
    contact: leadContact,
    source: leadSource,
    utmParameters: z
      .object({
        utmSource: z.string().max(200),
        utmMedium: z.string().max(200),
        utmCampaign: z.string().max(200),
        utmTerm: z.string().max(200),
        utmContent: z.string().max(200),
      })
      .partial(),
    /** The campaign that produced the lead, when known. */
    campaignId: z.uuid().nullable(),
  }),
  example: {
    contact: {
      email: 'john.doe@example.com',
      firstName: 'John',
      lastName: 'Doe',
      phone: '+1 555 010 0200',
      company: 'Example Corp',
      jobTitle: 'Head of Marketing',
    },
    source: 'website_form',
    utmParameters: { utmCampaign: 'spring_promotion', utmSource: 'google' },
    campaignId: null,
  },
});

export const leadQualified = defineEvent({
  type: 'lead.qualified',
  aggregateType: 'lead',
  description: 'A lead was judged sales-ready, by AI scoring or by a person.',
  data: z.object({
    score: z.object({
      totalScore: percentScore,
      behavioralScore: percentScore.nullable(),
      demographicScore: percentScore.nullable(),
      firmographicScore: percentScore.nullable(),
    }),
    method: z.enum(['ai', 'manual']),
    /** The AI analysis that produced the score, when method is `ai`. */
    analysisId: z.uuid().nullable(),
    notes: z.string().max(2000).nullable(),
    /** Who qualified the lead and when (optional: events written before these fields lack them). */
    qualifiedBy: z.uuid().nullable().optional(),
    qualifiedAt: z.iso.datetime().optional(),
  }),
  example: {
    score: { totalScore: 85, behavioralScore: 90, demographicScore: 70, firmographicScore: null },
    method: 'manual',
    analysisId: null,
    notes: 'Budget confirmed on first call',
    qualifiedBy: '0192f5a3-9d2e-7c4b-8a11-5e6f708192a4',
    qualifiedAt: '2025-03-01T10:00:00.000Z',
  },
});

export const leadConverted = defineEvent({
  type: 'lead.converted',
  aggregateType: 'lead',
  description: 'A qualified lead became a customer.',
  data: z.object({
    customerId: z.uuid(),
    conversionValue: moneyAmount,
    currency,
  }),
  example: {
    customerId: '0192f5a3-9d2e-7c4b-8a11-5e6f708192a3',
    conversionValue: '5000.00',
    currency: 'USD',
  },
});

const leadScore = z.object({
  totalScore: percentScore,
  behavioralScore: percentScore,
  demographicScore: percentScore,
  firmographicScore: percentScore,
});
const leadStatus = z.enum(['new', 'contacted', 'qualified', 'converted', 'disqualified', 'lost']);
const interactionKind = z.enum(['call', 'email', 'meeting']);

export const leadContacted = defineEvent({
  type: 'lead.contacted',
  aggregateType: 'lead',
  description: 'A person reached out to a new lead for the first time.',
  data: z.object({ channel: interactionKind, notes: z.string().max(2000).nullable() }),
  example: { channel: 'call', notes: 'Left a voicemail' },
});

export const leadContactUpdated = defineEvent({
  type: 'lead.contact_updated',
  aggregateType: 'lead',
  description: "An open lead's contact details changed (by hand or synced from a CRM); carries the whole new contact.",
  data: z.object({ contact: leadContact }),
  example: {
    contact: {
      email: 'john.doe@example.com',
      firstName: 'John',
      lastName: 'Doe',
      phone: null,
      company: 'Example Corp',
      jobTitle: 'CMO',
    },
  },
});

export const leadScored = defineEvent({
  type: 'lead.scored',
  aggregateType: 'lead',
  description: 'A lead got a new score (AI or manual), without changing its status.',
  data: z.object({ score: leadScore, method: z.enum(['ai', 'manual']), analysisId: z.uuid().nullable() }),
  example: {
    score: { totalScore: 72, behavioralScore: 80, demographicScore: 65, firmographicScore: 70 },
    method: 'ai',
    analysisId: '0192f5a3-9d2e-7c4b-8a11-5e6f708192a5',
  },
});

export const leadDisqualified = defineEvent({
  type: 'lead.disqualified',
  aggregateType: 'lead',
  description: 'An open lead was judged not a fit (no budget, wrong market, spam).',
  data: z.object({ reason: z.string().trim().min(1).max(2000), previousStatus: leadStatus }),
  example: { reason: 'No budget this year', previousStatus: 'contacted' },
});

export const leadLost = defineEvent({
  type: 'lead.lost',
  aggregateType: 'lead',
  description: 'An open lead went elsewhere or stopped answering.',
  data: z.object({ reason: z.string().trim().min(1).max(2000), previousStatus: leadStatus }),
  example: { reason: 'Chose a competitor', previousStatus: 'qualified' },
});

export const leadInteractionRecorded = defineEvent({
  type: 'lead.interaction_recorded',
  aggregateType: 'lead',
  description: 'A call, e-mail or meeting with a lead was logged.',
  data: z.object({
    interactionId: z.uuid(),
    kind: interactionKind,
    summary: z.string().trim().min(1).max(2000),
    interactedAt: z.iso.datetime(),
  }),
  example: {
    interactionId: '0192f5a3-9d2e-7c4b-8a11-5e6f708192a6',
    kind: 'meeting',
    summary: 'Demo with the marketing team',
    interactedAt: '2025-03-02T14:00:00.000Z',
  },
});

export const leadMarkedForNurturing = defineEvent({
  type: 'lead.marked_for_nurturing',
  aggregateType: 'lead',
  description:
    'An open lead is not sales-ready yet and goes to nurturing: its AI score fell below the tenant threshold, or a person decided so.',
  data: z.object({
    reason: z.enum(['score_below_threshold', 'manual']),
    /** The score and threshold that decided it (null when a person marked the lead). */
    totalScore: percentScore.nullable(),
    threshold: percentScore.nullable(),
    /** The AI analysis whose score decided it, when there was one. */
    analysisId: z.uuid().nullable(),
    /** The command's time: when nurturing began (the lead's state keeps it as `since`). */
    markedAt: z.iso.datetime(),
  }),
  example: {
    reason: 'score_below_threshold',
    totalScore: 52,
    threshold: 70,
    analysisId: '0192f5a3-9d2e-7c4b-8a11-5e6f708192a7',
    markedAt: '2025-03-02T09:00:00.000Z',
  },
});
