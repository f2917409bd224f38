import { ValidationError, type FieldIssue } from '@bizosaas/ddd-kernel';
import type { AppendInput } from './types.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FIELDS = ['tenantId', 'aggregateType', 'aggregateId', 'aggregateVersion'] as const;

/**
 * Checks that every event belongs to the stream being appended to and carries the version it
 * will get (expectedVersion + 1, + 2, ...). Versions are validated rather than assigned, so the
 * envelopes the caller holds (and publishes) are exactly what is stored.
 *
 * @throws ValidationError listing every issue.
 */
export function validateAppend(input: AppendInput): void {
  const issues: FieldIssue[] = [];
  if (!Number.isInteger(input.expectedVersion) || input.expectedVersion < 0) {
    issues.push({ path: 'expectedVersion', message: 'must be an integer >= 0' });
  }
  if (!UUID.test(input.tenantId)) issues.push({ path: 'tenantId', message: 'must be a UUID' });
  if (!UUID.test(input.aggregateId)) issues.push({ path: 'aggregateId', message: 'must be a UUID' });
  // A plain loop: this runs on every append, and mismatches are rare.
  for (let index = 0; index < input.events.length; index += 1) {
    const event = input.events[index]!;
    const expected = {
      tenantId: input.tenantId,
      aggregateType: input.aggregateType,
      aggregateId: input.aggregateId,
      aggregateVersion: input.expectedVersion + index + 1,
    };
    for (const field of FIELDS) {
      if (event[field] !== expected[field]) {
        const message = `must be ${String(expected[field])}, got ${String(event[field])}`;
        issues.push({ path: `events.${index}.${field}`, message });
      }
    }
  }
  if (issues.length > 0) {
    throw new ValidationError(`Cannot append to ${input.aggregateType}-${input.aggregateId}`, issues);
  }
}
