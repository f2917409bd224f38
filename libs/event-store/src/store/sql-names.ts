import { createHash } from 'node:crypto';

/** The quoted schema of an event store; the same rule as eventStoreDdl. */
export function quotedSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Bad schema name: ${schema}`);
  return `"${schema}"`;
}

/**
 * A prepared-statement name for `text`: pg parses and plans a named statement once per
 * connection and then only binds, which the hot path notices.
 */
export function statementName(prefix: string, text: string): string {
  return `${prefix}_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
}
