import { ValidationError, type FieldIssue } from '@bizosaas/ddd-kernel';
import type { z } from 'zod';

/** zod issues as kernel field issues, paths dotted and optionally prefixed (`data.contact.email`). */
export function toFieldIssues(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [...(prefix ? [prefix] : []), ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

const describe = (issues: FieldIssue[]) =>
  issues.map((issue) => `${issue.path || '(event)'}: ${issue.message}`).join('; ');

/**
 * An event failed its envelope or data schema. Lists every issue, in `issues`, in
 * `details.issues` (VALIDATION_ERROR, 400) and in the message (dead-letter entries keep it).
 */
export class InvalidEventError extends ValidationError {
  constructor(
    readonly issues: FieldIssue[],
    readonly eventType?: string,
  ) {
    super(`Invalid ${eventType ?? 'event'}: ${describe(issues)}`, issues);
  }
}

/** The event's type is well formed but not in the catalogue the reader knows. */
export class UnknownEventTypeError extends ValidationError {
  readonly issues: FieldIssue[];

  constructor(
    readonly eventType: string,
    otherIssues: FieldIssue[] = [],
  ) {
    const issues = [{ path: 'type', message: `unknown event type "${eventType}"` }, ...otherIssues];
    super(`Unknown event type "${eventType}": ${describe(issues)}`, issues);
    this.issues = issues;
  }
}
