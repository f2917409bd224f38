import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { notificationChannel } from '@bizosaas/event-schemas';
import type { NotificationChannel } from '../channels/channel.ts';
import { resolvePreference, type ChannelSwitches, type UserPreferences } from './resolve-preference.ts';

const template = { critical: false, enabledByDefault: true, category: 'marketing', channel: 'email' as const };

describe('resolvePreference', () => {
  it('given no stored preferences, when a template enabled by default is sent, then the template default allows it', () => {
    expect(resolvePreference({ ...template, preferences: null })).toEqual({
      enabled: true,
      source: 'template_default',
      category: 'marketing',
      values: { critical: false, category: null, channel: null, templateDefault: true },
    });
  });

  it('given no choice for the channel, when an opt-in template is sent, then the template default refuses it', () => {
    const preferences = { channels: { sms: true }, categories: { marketing: { push: true } } };
    expect(resolvePreference({ ...template, enabledByDefault: false, preferences })).toEqual({
      enabled: false,
      source: 'template_default',
      category: 'marketing',
      values: { critical: false, category: null, channel: null, templateDefault: false },
    });
  });

  it('given email switched off globally, when a marketing email is sent, then the channel switch refuses it', () => {
    const preferences = { channels: { email: false }, categories: {} };
    expect(resolvePreference({ ...template, preferences })).toEqual({
      enabled: false,
      source: 'channel',
      category: 'marketing',
      values: { critical: false, category: null, channel: false, templateDefault: true },
    });
  });

  it('given email off globally but on for marketing, when a marketing email is sent, then the category choice wins', () => {
    const preferences = { channels: { email: false }, categories: { marketing: { email: true } } };
    expect(resolvePreference({ ...template, preferences })).toEqual({
      enabled: true,
      source: 'category',
      category: 'marketing',
      values: { critical: false, category: true, channel: false, templateDefault: true },
    });
  });

  it('given every opt-out, when a critical template is sent, then it goes out (source critical)', () => {
    const preferences = { channels: { email: false }, categories: { security: { email: false } } };
    expect(
      resolvePreference({ ...template, critical: true, enabledByDefault: false, category: 'security', preferences }),
    ).toEqual({
      enabled: true,
      source: 'critical',
      category: 'security',
      values: { critical: true, category: false, channel: false, templateDefault: false },
    });
  });

  it('given a category named like an Object member, when it has no choice, then it is not mistaken for one', () => {
    const preferences = { channels: {}, categories: {} };
    expect(resolvePreference({ ...template, category: 'constructor', preferences }).source).toBe('template_default');
  });
});

const channels = notificationChannel.options;
const categoryName = fc.constantFrom('marketing', 'security', 'billing', 'constructor', 'news');
const switches: fc.Arbitrary<ChannelSwitches> = fc.record(
  { email: fc.boolean(), sms: fc.boolean(), push: fc.boolean(), in_app: fc.boolean() },
  { requiredKeys: [] },
);
const preferencesArbitrary: fc.Arbitrary<UserPreferences | null> = fc.option(
  fc.record({ channels: switches, categories: fc.dictionary(categoryName, switches) }),
  { nil: null },
);
const question = fc.record({
  critical: fc.boolean(),
  enabledByDefault: fc.boolean(),
  category: categoryName,
  channel: fc.constantFrom<NotificationChannel>(...channels),
  preferences: preferencesArbitrary,
});

/** `switches` with the channel's choice set to `value`, or removed when `value` is undefined. */
function withChoice(
  switches: ChannelSwitches,
  channel: NotificationChannel,
  value: boolean | undefined,
): ChannelSwitches {
  const { [channel]: _dropped, ...others } = switches;
  return value === undefined ? others : { ...others, [channel]: value };
}

describe('resolvePreference (any preferences)', () => {
  it('a critical template is always enabled, from source critical', () =>
    fc.assert(
      fc.property(question, (q) => {
        expect(resolvePreference({ ...q, critical: true })).toMatchObject({
          enabled: true,
          source: 'critical',
          category: q.category,
          values: { critical: true, templateDefault: q.enabledByDefault },
        });
      }),
    ));

  it('without stored preferences the template default decides', () =>
    fc.assert(
      fc.property(question, (q) => {
        expect(resolvePreference({ ...q, critical: false, preferences: null })).toEqual({
          enabled: q.enabledByDefault,
          source: 'template_default',
          category: q.category,
          values: { critical: false, category: null, channel: null, templateDefault: q.enabledByDefault },
        });
      }),
    ));

  it('otherwise the category choice wins, then the channel switch, then the template default, whatever else is chosen', () => {
    const choice = fc.option(fc.boolean(), { nil: undefined });
    fc.assert(
      fc.property(question, choice, choice, (q, byCategory, byChannel) => {
        // The generated preferences are the noise: other categories and channels keep their choices.
        const noise = q.preferences ?? { channels: {}, categories: {} };
        const preferences = {
          channels: withChoice(noise.channels, q.channel, byChannel),
          categories: {
            ...noise.categories,
            [q.category]: withChoice(noise.categories[q.category] ?? {}, q.channel, byCategory),
          },
        };
        const expected =
          byCategory !== undefined
            ? { enabled: byCategory, source: 'category' }
            : byChannel !== undefined
              ? { enabled: byChannel, source: 'channel' }
              : { enabled: q.enabledByDefault, source: 'template_default' };
        expect(resolvePreference({ ...q, critical: false, preferences })).toEqual({
          ...expected,
          category: q.category,
          values: {
            critical: false,
            category: byCategory ?? null,
            channel: byChannel ?? null,
            templateDefault: q.enabledByDefault,
          },
        });
      }),
    );
  });
});
