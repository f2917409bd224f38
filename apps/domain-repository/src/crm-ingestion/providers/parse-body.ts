import type { z } from 'zod';
import { fieldIssuesOf, ValidationError } from '@bizosaas/ddd-kernel';

/** A provider's body against its schema: every problem listed (paths from the body's root), or the parsed value. */
export function parseBody<S extends z.ZodType>(provider: string, schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new ValidationError(`Not a valid ${provider} notification`, fieldIssuesOf(result.error, { location: 'body' }));
}

/** Trimmed text, or null for empty strings (CRMs send "" for cleared fields). */
export const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
