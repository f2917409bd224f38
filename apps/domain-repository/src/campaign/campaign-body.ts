import type { z } from 'zod';
import { describeIssues, fieldIssuesOf, ValidationError } from '@bizosaas/ddd-kernel';

/**
 * A campaign action's body may be left out (a launch or a resume needs none): an absent body
 * is the input schema's defaults, and one a schema cannot default is 400 naming its fields.
 */
export function bodyOrDefaults<S extends z.ZodObject>(schema: S, body: z.output<S> | null | undefined): z.output<S> {
  if (body !== null && body !== undefined) return body;
  const parsed = schema.safeParse({});
  if (parsed.success) return parsed.data;
  const issues = fieldIssuesOf(parsed.error);
  throw new ValidationError(`Invalid body: ${describeIssues(issues)}`, issues);
}
