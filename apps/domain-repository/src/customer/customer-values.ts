import { z } from 'zod';
import { valueObject } from '@bizosaas/ddd-kernel';

const optionalText = (max: number) => z.string().trim().min(1).max(max).nullable().default(null);
export const decimalAmount = z.string().regex(/^\d{1,15}(\.\d{1,4})?$/, 'must be a decimal string such as "5000.00"');
export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"');

/** Who the customer is; updates replace the whole profile. */
export const CustomerProfile = valueObject(
  'CustomerProfile',
  z.strictObject({
    email: z.email().transform((email) => email.toLowerCase()),
    firstName: optionalText(100),
    lastName: optionalText(100),
    phone: z
      .string()
      .regex(/^\+?[0-9 ().-]{6,20}$/, 'must be a phone number')
      .nullable()
      .default(null),
    companyName: optionalText(200),
    industry: optionalText(100),
    annualRevenue: decimalAmount.nullable().default(null),
  }),
);
export type CustomerProfile = z.output<typeof CustomerProfile.schema>;

export const CommunicationPreferences = z.strictObject({
  email: z.boolean().default(true),
  sms: z.boolean().default(false),
  phone: z.boolean().default(false),
  marketing: z.boolean().default(false),
});
export type CommunicationPreferences = z.output<typeof CommunicationPreferences>;

export const CustomerTier = z.enum(['BRONZE', 'SILVER', 'GOLD', 'PLATINUM']);
export type CustomerTier = z.infer<typeof CustomerTier>;
