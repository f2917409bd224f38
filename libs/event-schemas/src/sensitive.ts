import { z } from 'zod';

/** JSON Schema keyword marking personal or secret values (per-tenant encryption, log redaction). */
export const SENSITIVE_KEYWORD = 'x-sensitive';

/**
 * A sensitive value sealed by the event-bus's per-tenant envelope encryption:
 * `enc:v1:<data key version>:<base64 of iv | tag | ciphertext>`. Streams and the archive may carry
 * it in place of the plaintext, so every reader of a sensitive field accepts it.
 */
export const SEALED_VALUE_PATTERN = /^enc:v1:([1-9][0-9]{0,8}):([A-Za-z0-9+/]+={0,2})$/;

export const isSealedValue = (value: unknown): value is string =>
  typeof value === 'string' && SEALED_VALUE_PATTERN.test(value);

const sealedValue = z.string().regex(SEALED_VALUE_PATTERN);

/**
 * Marks a (string) field as sensitive; the mark shows in the exported JSON Schema and in
 * `sensitivePaths`. The field also accepts its sealed form, which only its tenant's callers can
 * open (publishers of plaintext are checked against `schema` first).
 */
export function sensitive<S extends z.ZodType<string>>(schema: S) {
  // A value that is neither is reported with the plaintext schema's message, not "Invalid input".
  const error = (issue: { code?: string; errors?: unknown }) =>
    issue.code === 'invalid_union' ? (issue.errors as { message: string }[][])[0]?.[0]?.message : undefined;
  return z.union([schema, sealedValue], { error }).meta({ [SENSITIVE_KEYWORD]: true });
}

type JsonSchemaNode = Record<string, unknown>;

const isNode = (value: unknown): value is JsonSchemaNode =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Dotted paths of every sensitive field in a schema, arrays written as `[]`:
 * `contact.email`, `attendees[].phone`. Derived from the JSON Schema so it sees through
 * optional, nullable, unions and arrays.
 */
export function sensitivePaths(schema: z.ZodType): string[] {
  const found = new Set<string>();
  collect(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }), '', found);
  return [...found];
}

function collect(node: unknown, path: string, found: Set<string>): void {
  if (!isNode(node)) return;
  if (node[SENSITIVE_KEYWORD] === true) {
    found.add(path);
    return;
  }
  if (isNode(node.properties)) {
    for (const [key, child] of Object.entries(node.properties)) {
      collect(child, path ? `${path}.${key}` : key, found);
    }
  }
  if (node.items !== undefined) collect(node.items, `${path}[]`, found);
  for (const keyword of ['anyOf', 'oneOf', 'allOf']) {
    const options = node[keyword];
    if (Array.isArray(options)) for (const option of options) collect(option, path, found);
  }
}
