import { z } from 'zod';
import { valueObject } from '@bizosaas/ddd-kernel';
import { leadSource } from '@bizosaas/event-schemas';

const optionalText = (max: number) => z.string().trim().min(1).max(max).nullable().default(null);

/** How to reach a lead: a validated e-mail plus optional names, company and phone. */
export const ContactInfo = valueObject(
  'ContactInfo',
  z.strictObject({
    email: z.email().transform((email) => email.toLowerCase()),
    firstName: z.string().trim().min(1).max(100).nullable().default(null),
    lastName: z.string().trim().min(1).max(100).nullable().default(null),
    phone: z
      .string()
      .regex(/^\+?[0-9 ().-]{6,20}$/, 'must be a phone number')
      .nullable()
      .default(null),
    company: optionalText(200),
    jobTitle: optionalText(200),
  }),
);
export type ContactInfo = z.output<typeof ContactInfo.schema>;

/** Where a lead came from: the catalogue's values. */
export const LeadSource = leadSource;
export type LeadSource = z.infer<typeof LeadSource>;

export const UtmParameters = z
  .strictObject({
    utmSource: z.string().max(200),
    utmMedium: z.string().max(200),
    utmCampaign: z.string().max(200),
    utmTerm: z.string().max(200),
    utmContent: z.string().max(200),
  })
  .partial();
export type UtmParameters = z.infer<typeof UtmParameters>;

const score = z.number().int().min(0).max(100);
/** Every part 0-100; the total is given, not derived (AI scoring weighs the parts itself). */
export const LeadScore = valueObject(
  'LeadScore',
  z.strictObject({ totalScore: score, behavioralScore: score, demographicScore: score, firmographicScore: score }),
);
export type LeadScore = z.output<typeof LeadScore.schema>;

export const InteractionKind = z.enum(['call', 'email', 'meeting']);
export type InteractionKind = z.infer<typeof InteractionKind>;

export const LeadStatus = z.enum(['new', 'contacted', 'qualified', 'converted', 'disqualified', 'lost']);
export type LeadStatus = z.infer<typeof LeadStatus>;

/** Statuses from which a lead can still move; converted, disqualified and lost are final. */
export const OPEN_STATUSES: readonly LeadStatus[] = ['new', 'contacted', 'qualified'];
