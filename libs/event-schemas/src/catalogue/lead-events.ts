import { z } from 'zod';
import { defineEvent } from '../define-event.ts';
import { currency, moneyAmount, percentScore, personalEmail, personName, phoneNumber } from './values.ts';

const leadSource = z.enum([
  'website_form',
  'landing_page',
  'referral',
  'social_media',
  'paid_ads',
  'email_campaign',
  'event',
  'crm_import',
  'manual',
  'api',
]);

const optionalText = (max: number) => z.string().trim().min(1).max(max).nullable();

// The lead's id is the envelope's aggregateId.
export const leadCreated = defineEvent({
  type: 'lead.created',
  aggregateType: 'lead',
  description: 'A new lead was captured (web form, import, CRM sync or by hand).',
  data: z.object({
    contact: z.object({
      email: personalEmail,
      firstName: personName.nullable(),
      lastName: personName.nullable(),
      phone: phoneNumber.nullable(),
      company: optionalText(200),
      jobTitle: optionalText(200),
    }),
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
  }),
  example: {
    score: { totalScore: 85, behavioralScore: 90, demographicScore: 70, firmographicScore: null },
    method: 'manual',
    analysisId: null,
    notes: 'Budget confirmed on first call',
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
