import { randomBytes } from 'node:crypto';

/** kebab-case from a display name: ASCII letters and digits, at most 50 characters; `tenant` if nothing is left. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 50)
    .replace(/^-+|-+$/g, '');
  return slug || 'tenant';
}

/** The slug with a random suffix, for when the plain one is taken. */
export function suffixedSlug(slug: string): string {
  return `${slug}-${randomBytes(3).toString('hex')}`;
}
