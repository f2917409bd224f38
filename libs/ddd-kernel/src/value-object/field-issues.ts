import type { z } from 'zod';
import type { FieldIssue } from '../errors.ts';

/** Where the checked value sits: a dotted path prefix and the part of the request it came from. */
export interface IssueContext {
  readonly path?: string;
  readonly location?: FieldIssue['location'];
}

/** Every zod issue as a kernel field issue, with a dotted path (`contactInfo.email`). */
export function fieldIssuesOf(error: z.ZodError, context: IssueContext = {}): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [...(context.path ? [context.path] : []), ...issue.path.map(String)].join('.');
    return context.location
      ? { path, message: issue.message, location: context.location }
      : { path, message: issue.message };
  });
}

/** "path: message; ..." for error messages that must stand on their own (logs, dead letters). */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((issue) => `${issue.path || '(value)'}: ${issue.message}`).join('; ');
}
