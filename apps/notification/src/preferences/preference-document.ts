import { IANAZone } from 'luxon';
import { z } from 'zod';
import type { QuietHours } from './quiet-hours.ts';
import type { ChannelSwitches, UserPreferences } from './resolve-preference.ts';

const MAX_CATEGORIES = 100;

/** A switch per channel; other channel names are refused by name (strict object). */
export const channelSwitchesSchema = z.strictObject({
  email: z.boolean().optional(),
  sms: z.boolean().optional(),
  push: z.boolean().optional(),
  in_app: z.boolean().optional(),
}) satisfies z.ZodType<ChannelSwitches>;

const CATEGORY_NAME = 'must be 1-50 lower-case letters, digits, _ or -, starting with a letter or digit';
export const categoryNameSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, CATEGORY_NAME);

const wallTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time HH:mm');

export const quietHoursSchema = z.strictObject({
  start: wallTime,
  end: wallTime.describe('Exclusive; before start the window crosses midnight, equal to start there is none.'),
  timezone: z
    .string()
    .max(100)
    .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Europe/Berlin')
    .optional()
    .describe("Default: the recipient's zone given by the trigger, else UTC."),
}) satisfies z.ZodType<QuietHours>;

/** The document a PUT stores whole: what it leaves out is no longer an explicit choice. */
export const preferencesBody = z.strictObject({
  channels: channelSwitchesSchema.default({}).describe('Global switch per channel; absent: no explicit choice.'),
  categories: z
    .record(categoryNameSchema, channelSwitchesSchema, {
      error: (issue) => (issue.code === 'invalid_key' ? `category name ${CATEGORY_NAME}` : undefined),
    })
    .refine(
      (categories) => Object.keys(categories).length <= MAX_CATEGORIES,
      `must have at most ${MAX_CATEGORIES} categories`,
    )
    .default({})
    .describe('Switch per category and channel; it overrides the global switch of that channel.'),
  quietHours: quietHoursSchema
    .nullable()
    .default(null)
    .describe('Non-critical messages that fall inside are delayed to its end, not dropped.'),
});

export type PreferencesDocument = z.output<typeof preferencesBody>;

/** What GET answers: the stored document, or an empty one (updatedAt null) when none is stored. */
export const preferencesView = z.object({
  channels: channelSwitchesSchema,
  categories: z.record(z.string(), channelSwitchesSchema),
  quietHours: quietHoursSchema.nullable(),
  updatedAt: z.iso.datetime().nullable(),
});

export type PreferencesView = z.output<typeof preferencesView>;

/** A stored document, as the trigger pipeline reads it. */
export interface StoredPreferences extends UserPreferences {
  readonly quietHours: QuietHours | null;
  readonly updatedAt: Date;
}
