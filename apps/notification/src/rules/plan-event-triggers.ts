import { z } from 'zod';
import type { EventEnvelope } from '@bizosaas/event-schemas';
import type { Recipient, TriggerInput } from '../triggers/trigger-request.ts';
import { valueAt, whenHolds } from './rule-condition.ts';
import type { Rule, RuleRecipient } from './rule.ts';

export type PlannedTrigger =
  | { rule: Rule; outcome: 'trigger'; input: TriggerInput }
  | { rule: Rule; outcome: 'skipped'; reason: 'condition' | 'no_recipient' };

/** The template's variables: the event's data and, under `event`, what identifies the event. */
export function templateData(event: EventEnvelope): Record<string, unknown> {
  const data = typeof event.data === 'object' && event.data !== null ? (event.data as Record<string, unknown>) : {};
  return {
    ...data,
    event: { type: event.type, id: event.id, occurredAt: event.occurredAt, aggregateId: event.aggregateId },
  };
}

const userId = z.uuid();

/** Who a rule sends to for this event; null when the event names no such user (e.g. a service acted). */
export function resolveRecipient(recipient: RuleRecipient, event: EventEnvelope): Recipient | null {
  switch (recipient.type) {
    case 'actor':
      return event.actor.type === 'user' ? { userId: event.actor.id } : null;
    case 'subject_user':
      return event.aggregateType === 'user' ? { userId: event.aggregateId } : null;
    case 'data_user': {
      // Anything but a user id (null for a report nobody asked for, a missing field) names no one.
      const value = userId.safeParse(valueAt(event.data, recipient.field));
      return value.success ? { userId: value.data } : null;
    }
    case 'user':
      return { userId: recipient.userId };
    case 'email':
      return { email: recipient.email };
  }
}

/**
 * What each enabled rule of the event's type does with it. The transactionId is the event and
 * the rule: a redelivered event repeats the same trigger, which sends nothing more.
 */
export function planEventTriggers(event: EventEnvelope, rules: readonly Rule[]): PlannedTrigger[] {
  const data = templateData(event);
  return rules
    .filter((rule) => rule.enabled && rule.eventType === event.type)
    .map((rule): PlannedTrigger => {
      if (!whenHolds(rule.when, event.data)) return { rule, outcome: 'skipped', reason: 'condition' };
      const to = resolveRecipient(rule.recipient, event);
      if (!to) return { rule, outcome: 'skipped', reason: 'no_recipient' };
      return {
        rule,
        outcome: 'trigger',
        input: {
          templateKey: rule.templateKey,
          to: [to],
          data,
          ...(rule.channels && { channels: rule.channels }),
          transactionId: `event:${event.id}:${rule.id}`,
        },
      };
    });
}
