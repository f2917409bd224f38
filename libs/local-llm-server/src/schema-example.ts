/**
 * A value of a JSON Schema, the plainest one: the first enum value or const, the minimum of a
 * number, `true`, one item of an array, every property of an object (so `required` holds), a
 * short text. Enough for structured answers to pass a schema check in development.
 */
export function schemaExample(schema: unknown, text = 'Local answer'): unknown {
  if (schema === null || typeof schema !== 'object') return text;
  const s = schema as Record<string, unknown>;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const)
    if (Array.isArray(s[key]) && s[key].length > 0) return schemaExample(s[key][0], text);
  const type: unknown = Array.isArray(s.type) ? (s.type as unknown[]).find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      return Object.fromEntries(
        Object.entries(properties).map(([name, property]) => [name, schemaExample(property, text)]),
      );
    }
    case 'array':
      return [schemaExample(s.items, text)];
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 0;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return typeof s.minLength === 'number' && s.minLength > text.length ? text.padEnd(s.minLength, '.') : text;
  }
}
