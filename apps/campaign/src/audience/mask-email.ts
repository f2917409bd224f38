import { SEALED_VALUE_PATTERN } from '@bizosaas/event-schemas';

/**
 * An address shown in a preview without giving it away: its first character and its domain
 * (`j***@example.com`). Null for a sealed address (only the tenant's key opens it) or none.
 */
export function maskEmail(email: string | null): string | null {
  if (email === null || SEALED_VALUE_PATTERN.test(email)) return null;
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1) return null;
  return `${email[0]}***${email.slice(at)}`;
}
