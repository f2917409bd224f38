import type { FieldIssue } from '@bizosaas/ddd-kernel';
import { z } from 'zod';
import type { EventDefinition } from './define-event.ts';
import { toFieldIssues } from './errors.ts';

export type UpcastResult = { ok: true; data: unknown } | { ok: false; issues: FieldIssue[] };

/**
 * Lifts stored data from `fromVersion` to the definition's current version by running the
 * upcasters in order. Pure; the result still has to pass the current data schema.
 */
export function upcast(definition: EventDefinition, fromVersion: number, data: unknown): UpcastResult {
  if (fromVersion > definition.schemaVersion) {
    const message = `version ${fromVersion} is newer than ${definition.schemaVersion}, the latest this reader knows`;
    return { ok: false, issues: [{ path: 'schemaVersion', message }] };
  }
  let current = data;
  for (let version = fromVersion; version < definition.schemaVersion; version += 1) {
    try {
      current = definition.upcasters[version - 1]!(current);
    } catch (error) {
      return { ok: false, issues: upcasterIssues(error, version) };
    }
  }
  return { ok: true, data: current };
}

function upcasterIssues(error: unknown, version: number): FieldIssue[] {
  const step = `(upcasting v${version} -> v${version + 1})`;
  if (error instanceof z.ZodError) {
    return toFieldIssues(error, 'data').map((issue) => ({ ...issue, message: `${issue.message} ${step}` }));
  }
  const message = error instanceof Error ? error.message : String(error);
  return [{ path: 'data', message: `${message} ${step}` }];
}
