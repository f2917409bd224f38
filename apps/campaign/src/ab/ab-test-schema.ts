import { z } from 'zod';

/** The variant of the recipients outside the test: they get the winner once it is chosen. */
export const REST_VARIANT = 'rest';

const variantKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,19}$/, 'must be 1-20 lowercase letters, digits, _ or -')
  .refine((key) => key !== REST_VARIANT, `${REST_VARIANT} names the recipients outside the test`);

/**
 * An A/B test of a send step: `testShare` of the audience is split evenly between the variants
 * by a keyed hash of the recipient; `waitHours` after the last test send the variant with the best
 * `metric` is chosen and sent to everyone else.
 */
export const abTest = z.strictObject({
  variants: z
    .array(
      z.strictObject({
        key: variantKey,
        templateKey: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'must be a template key'),
      }),
    )
    .min(2)
    .max(4)
    .refine(
      (variants) => new Set(variants.map((v) => v.key)).size === variants.length,
      'variant keys must be distinct',
    ),
  /** The share of the audience in the test (split evenly between the variants). */
  testShare: z.number().min(0.01).max(0.5),
  metric: z.enum(['open_rate', 'click_rate', 'conversion_rate']),
  /** How long after the last test send the results are read. */
  waitHours: z
    .number()
    .min(0)
    .max(24 * 30),
});

export type AbTest = z.output<typeof abTest>;
export type AbMetric = AbTest['metric'];
