import type { z } from 'zod';
import type { EventData, preferenceSource } from '@bizosaas/event-schemas';
import type { NotificationChannel } from '../channels/channel.ts';

/** A switch per channel; an absent channel means "no explicit choice". */
export type ChannelSwitches = Partial<Record<NotificationChannel, boolean>>;

/** A user's explicit choices: global switches per channel, and switches per category and channel. */
export interface UserPreferences {
  readonly channels: ChannelSwitches;
  readonly categories: Readonly<Record<string, ChannelSwitches>>;
}

export type PreferenceSource = z.infer<typeof preferenceSource>;

/**
 * The value in force for one message, the level it came from, and the value at every level at
 * that moment (null: no explicit choice there): notification.requested records it for explain.
 */
export type PreferenceDecision = EventData<'notification.requested'>['preference'];

export interface PreferenceQuestion {
  critical: boolean;
  enabledByDefault: boolean;
  category: string;
  channel: NotificationChannel;
  /** null: the user never stored preferences (or the recipient is not a user). */
  preferences: UserPreferences | null;
}

/** Own keys only: a category named like an Object.prototype member ("constructor") is a plain key. */
function explicitChoice(switches: ChannelSwitches | undefined, channel: NotificationChannel): boolean | undefined {
  if (switches === undefined || !Object.hasOwn(switches, channel)) return undefined;
  const value = switches[channel];
  return typeof value === 'boolean' ? value : undefined;
}

/**
 * Whether a message may go out on its channel. A critical template ignores opt-outs; otherwise
 * the most specific explicit choice wins: the category's switch for the channel, else the
 * channel's global switch, else the template's default.
 */
export function resolvePreference(question: PreferenceQuestion): PreferenceDecision {
  const { critical, enabledByDefault, category, channel, preferences } = question;
  const categories = preferences?.categories;
  const forCategory = categories && Object.hasOwn(categories, category) ? categories[category] : undefined;
  const values = {
    critical,
    category: explicitChoice(forCategory, channel) ?? null,
    channel: explicitChoice(preferences?.channels, channel) ?? null,
    templateDefault: enabledByDefault,
  };
  const decided = (enabled: boolean, source: PreferenceSource) => ({ enabled, source, category, values });
  if (critical) return decided(true, 'critical');
  if (values.category !== null) return decided(values.category, 'category');
  if (values.channel !== null) return decided(values.channel, 'channel');
  return decided(enabledByDefault, 'template_default');
}
