import type { RouteOptions } from 'fastify';
import { $ZodType } from 'zod/v4/core';

const REQUEST_PARTS = ['body', 'querystring', 'params'] as const;

// Wrappers whose inner schema decides what the input may contain.
const INNER_TYPE = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'nonoptional',
  'readonly',
  'catch',
  'success',
]);

/**
 * The path of the first object schema inside `schema` that accepts keys it does not declare
 * (`z.object` strips them, `z.looseObject` passes them), or undefined when every object at every
 * depth is `z.strictObject`. Records are maps by design: only their values are walked.
 */
export function looseObjectPath(schema: $ZodType, path = '(root)', seen = new Set<$ZodType>()): string | undefined {
  if (seen.has(schema)) return undefined;
  seen.add(schema);
  const type: string = schema._zod.def.type;
  const def = (key: string): unknown => Reflect.get(schema._zod.def, key);
  const walk = (child: unknown, childPath: string) =>
    child instanceof $ZodType ? looseObjectPath(child, childPath, seen) : undefined;
  const join = (key: string) => (path === '(root)' ? key : `${path}.${key}`);
  switch (type) {
    case 'object': {
      const catchall = def('catchall');
      if (!(catchall instanceof $ZodType) || catchall._zod.def.type !== 'never') return path;
      const shape = def('shape') as Record<string, $ZodType>;
      return firstOf(Object.entries(shape), ([key, child]) => walk(child, join(key)));
    }
    case 'array':
      return walk(def('element'), `${path}[]`);
    case 'record':
      return walk(def('valueType'), join('*'));
    case 'union':
      return firstOf(def('options') as $ZodType[], (option) => walk(option, path));
    case 'intersection':
      return walk(def('left'), path) ?? walk(def('right'), path);
    case 'tuple':
      return (
        firstOf(def('items') as $ZodType[], (item, i) => walk(item, `${path}[${i}]`)) ?? walk(def('rest'), `${path}[]`)
      );
    case 'pipe':
      return walk(def('in'), path);
    case 'lazy':
      return walk((def('getter') as () => $ZodType)(), path);
    default:
      return INNER_TYPE.has(type) ? walk(def('innerType'), path) : undefined;
  }
}

function firstOf<T>(items: readonly T[], find: (item: T, index: number) => string | undefined): string | undefined {
  for (const [index, item] of items.entries()) {
    const found = find(item, index);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * onRoute hook: a route whose body, querystring or params schema would let an unknown key through
 * (silently dropped, so a typo in a filter widens the result) stops the service at startup.
 */
export function assertStrictInput(route: RouteOptions): void {
  for (const part of REQUEST_PARTS) {
    const schema: unknown = route.schema?.[part];
    if (schema === undefined) continue;
    const where = `${String(route.method)} ${route.url} ${part}`;
    if (!(schema instanceof $ZodType)) throw new Error(`${where}: request schemas must be zod schemas`);
    const loose = looseObjectPath(schema);
    if (loose !== undefined) {
      throw new Error(`${where}: the object at ${loose} accepts unknown keys; declare it with z.strictObject`);
    }
  }
}
