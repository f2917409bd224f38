import { z } from 'zod';
import { leadSource } from '@bizosaas/event-schemas';

/** A lead's statuses as the Lead aggregate names them. */
export const leadStatus = z.enum(['new', 'contacted', 'qualified', 'converted', 'disqualified', 'lost']);
/** A contact's status: a lead's, or `customer` for every customer. */
export const contactStatus = z.enum([...leadStatus.options, 'customer']);
export const contactKind = z.enum(['lead', 'customer']);
export const customerTier = z.enum(['BRONZE', 'SILVER', 'GOLD', 'PLATINUM']);

/** 1-50 distinct values. */
export function distinctList<T extends z.ZodType<string>>(item: T) {
  return z
    .array(item)
    .min(1)
    .max(50)
    .refine((values) => new Set(values).size === values.length, 'must not repeat a value');
}

/** An inclusive 0-100 range; a contact without the value is outside every range. */
const percentRange = z
  .strictObject({ min: z.number().min(0).max(100).optional(), max: z.number().min(0).max(100).optional() })
  .refine((range) => range.min === undefined || range.max === undefined || range.min <= range.max, {
    message: 'min must not be above max',
    path: ['min'],
  });

const utmValue = z.string().min(1).max(200);

export const audienceFilter = z
  .strictObject({
    kind: distinctList(contactKind).optional(),
    status: distinctList(contactStatus).optional(),
    source: distinctList(leadSource).optional().describe("The lead's source (customers have none)"),
    score: percentRange.optional().describe("The lead's latest score, inclusive"),
    utm: z
      .strictObject({
        source: distinctList(utmValue).optional(),
        medium: distinctList(utmValue).optional(),
        campaign: distinctList(utmValue).optional(),
      })
      .optional()
      .describe("The lead's UTM parameters at capture, exact values"),
    customerTier: distinctList(customerTier).optional(),
    churnRisk: percentRange.optional().describe("The customer's churn risk (0-100, as last assessed), inclusive"),
    createdAt: z
      .strictObject({
        from: z.iso.datetime({ offset: true }).optional(),
        to: z.iso.datetime({ offset: true }).optional(),
      })
      .refine((range) => !range.from || !range.to || Date.parse(range.from) < Date.parse(range.to), {
        message: 'from must be before to',
        path: ['from'],
      })
      .optional()
      .describe('Created at or after from, before to'),
  })
  .describe('Every condition given must hold (absent: any); each list matches any of its values');

export type AudienceFilter = z.output<typeof audienceFilter>;
