/** What an event must match: its type against `eventType`, and the filter's equalities. */
export interface SubscriptionRule {
  eventType: string;
  filter: Record<string, unknown>;
}

/** `*` matches every type, `lead.*` every type of the lead context, anything else itself. */
export function matchesType(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** A filter is `{ "<dotted envelope path>": value }`; every entry must equal the event's value. */
export function matchesFilter(filter: Record<string, unknown>, event: unknown): boolean {
  return Object.entries(filter).every(([path, expected]) => {
    let value: unknown = event;
    for (const key of path.split('.')) {
      value =
        value !== null && typeof value === 'object' && Object.hasOwn(value, key)
          ? (value as Record<string, unknown>)[key]
          : undefined;
    }
    return JSON.stringify(value) === JSON.stringify(expected);
  });
}

export const matches = (rule: SubscriptionRule, event: { type: string }): boolean =>
  matchesType(rule.eventType, event.type) && matchesFilter(rule.filter, event);

/** The patterns a subscription may name: a catalogue-style type, `context.*` or `*`. */
export const EVENT_TYPE_PATTERN = /^(\*|[a-z][a-z0-9_]*\.(\*|[a-z][a-z0-9_]*))$/;
