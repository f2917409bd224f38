import { z } from 'zod';

/** JSON Schema keyword marking personal or secret values (per-tenant encryption, log redaction). */
export const SENSITIVE_KEYWORD = 'x-sensitive';

/** Marks a field as sensitive; the mark shows in the exported JSON Schema and in `sensitivePaths`. */
export function sensitive<S extends z.ZodType>(schema: S): S {
  return schema.meta({ [SENSITIVE_KEYWORD]: true });
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
