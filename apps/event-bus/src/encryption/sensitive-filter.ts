import type { FieldIssue } from '@bizosaas/ddd-kernel';
import { eventCatalogue } from '@bizosaas/event-schemas';
import { matchesType } from '../webhooks/subscription-match.ts';

/**
 * Subscription filters compare stored values, and sensitive ones are stored sealed (a fresh IV
 * each time), so a filter on or around a sensitive field could never match: it is refused
 * instead of silently delivering nothing. `[]` in a sensitive path matches any array index.
 */
export function sensitiveFilterIssues(eventType: string, filter: Record<string, unknown>): FieldIssue[] {
  const sensitive = Object.values(eventCatalogue)
    .filter((definition) => matchesType(eventType, definition.type))
    .flatMap((definition) =>
      definition.sensitivePaths.map((path) => ['data', ...path.replaceAll('[]', '.*').split('.')]),
    );
  return Object.keys(filter)
    .filter((path) => sensitive.some((segments) => overlaps(path.split('.'), segments)))
    .map((path) => ({
      path: `filter.${path}`,
      message: 'is or contains an encrypted (sensitive) field: filters cannot match it',
      location: 'body' as const,
    }));
}

function overlaps(filter: readonly string[], sensitive: readonly string[]): boolean {
  const length = Math.min(filter.length, sensitive.length);
  for (let i = 0; i < length; i++) {
    const want = sensitive[i]!;
    if (want === '*' ? !/^\d+$/.test(filter[i]!) : want !== filter[i]) return false;
  }
  return true;
}
