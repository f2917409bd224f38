import { z } from 'zod';
import { ValidationError } from '@bizosaas/ddd-kernel';
import { notificationChannel } from '@bizosaas/event-schemas';
import type { Channel } from './render.ts';

export const templateKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'must be 1-100 lower-case letters, digits or . _ - (starting alphanumeric)');
/** BCP 47 language with an optional region or script: `en`, `de-AT`, `zh-Hant`. */
export const templateLocale = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Z][a-zA-Z]{1,3})?$/, 'must be a language tag such as en or de-AT');
export const templateCategory = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, 'must be 1-50 lower-case letters, digits, _ or -');
const subject = z.string().min(1).max(1000).nullable().optional();
const body = z.string().min(1).max(100_000);

/** What a PUT replaces; key, channel and locale name the template and never change. */
const contentFields = {
  category: templateCategory,
  /** Sent whatever the recipient's opt-outs and quiet hours (password resets, security alerts). */
  critical: z.boolean().default(false),
  /** Sent unless the recipient opted out (true), or only to those who opted in (false). */
  enabledByDefault: z.boolean().default(true),
  /** Email: required. Push and in-app: the title, optional. SMS: none. */
  subject,
  body,
};

export const createTemplateBody = z.strictObject({
  key: templateKey,
  channel: notificationChannel,
  locale: templateLocale.default('en'),
  ...contentFields,
});

export const updateTemplateBody = z.strictObject({
  ...contentFields,
  /** Alternative to If-Match: the version the change was made from. */
  expectedVersion: z.int().min(1).optional(),
});

export type TemplateContent = Omit<z.output<typeof updateTemplateBody>, 'expectedVersion'>;
export type NewTemplate = z.output<typeof createTemplateBody>;

export const templateView = z.object({
  id: z.uuid(),
  key: z.string(),
  channel: notificationChannel,
  locale: z.string(),
  category: z.string(),
  critical: z.boolean(),
  enabledByDefault: z.boolean(),
  subject: z.string().nullable(),
  body: z.string(),
  version: z.int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TemplateView = z.infer<typeof templateView>;

export const templateVersionView = z.object({
  version: z.int(),
  category: z.string(),
  critical: z.boolean(),
  enabledByDefault: z.boolean(),
  subject: z.string().nullable(),
  body: z.string(),
  createdAt: z.string(),
  /** The user who saved this version (null for a platform service). */
  createdBy: z.string().nullable(),
});
export type TemplateVersionView = z.infer<typeof templateVersionView>;

export const listTemplatesQuery = z.strictObject({
  key: templateKey.optional(),
  channel: notificationChannel.optional(),
  locale: templateLocale.optional(),
  category: templateCategory.optional(),
  cursor: z.string().min(1).max(512).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListTemplatesQuery = z.output<typeof listTemplatesQuery>;

/** Template data: any JSON object (the variables the template reads). */
export const templateData = z.record(z.string(), z.unknown());

export const previewStoredBody = z.strictObject({
  data: templateData,
  /** Default: the current version. */
  version: z.int().min(1).optional(),
});

export const previewUnsavedBody = z.strictObject({
  channel: notificationChannel,
  subject,
  body,
  data: templateData,
});

export const renderedView = z.object({ subject: z.string().nullable(), body: z.string() });

/** Email needs a subject, SMS has none; push and in-app take an optional title. */
export function checkSubject(channel: Channel, subject: string | null | undefined): void {
  if (channel === 'email' && !subject)
    throw new ValidationError('An email template needs a subject', [
      { path: 'subject', message: 'is required for email', location: 'body' },
    ]);
  if (channel === 'sms' && subject)
    throw new ValidationError('An SMS template has no subject', [
      { path: 'subject', message: 'must be absent for sms', location: 'body' },
    ]);
}
