import { createHash } from 'node:crypto';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };

/**
 * JSON with object keys sorted at every level and undefined members left out: the same content
 * gives the same text whatever order the provider sent its fields in.
 */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as Json)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `sha256:<hex>` of the canonical JSON of what a sync keeps of a record. */
export function contentHash(kept: Json): string {
  return `sha256:${createHash('sha256').update(canonicalJson(kept)).digest('hex')}`;
}

export type { Json };
