import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { deepFreeze, type DeepReadonly } from './deep-freeze.ts';
import { describeIssues, fieldIssuesOf, type IssueContext } from './field-issues.ts';

declare const brand: unique symbol;

/** `T` marked as checked by the value object `Name`; only `create` produces one. */
export type Branded<T, Name extends string> = T & { readonly [brand]: Name };

/** A self-validating value object: parsed by its zod schema, frozen, compared by value. */
export interface ValueObjectType<Name extends string, Value> {
  readonly name: Name;
  readonly schema: z.ZodType<Value>;
  /** Parses `input` (schema transforms apply) or throws a ValidationError listing every issue. */
  create(input: unknown, context?: IssueContext): Branded<DeepReadonly<Value>, Name>;
  equals(a: Branded<DeepReadonly<Value>, Name>, b: Branded<DeepReadonly<Value>, Name>): boolean;
}

/** The value type a value object definition creates: `type Email = ValueOf<typeof Email>`. */
export type ValueOf<T> =
  T extends ValueObjectType<infer Name, infer Value> ? Branded<DeepReadonly<Value>, Name> : never;

/**
 * Defines a value object from a zod schema: `const Email = valueObject('Email', z.email())`,
 * then `Email.create(input, { path: 'contactInfo.email' })`.
 */
export function valueObject<Name extends string, Schema extends z.ZodType>(
  name: Name,
  schema: Schema,
): ValueObjectType<Name, z.output<Schema>> {
  type Value = Branded<DeepReadonly<z.output<Schema>>, Name>;
  return {
    name,
    schema: schema as z.ZodType<z.output<Schema>>,
    create(input, context = {}) {
      const parsed = schema.safeParse(input);
      if (parsed.success) return deepFreeze(parsed.data) as Value;
      const issues = fieldIssuesOf(parsed.error, context);
      throw new ValidationError(`Invalid ${name}: ${describeIssues(issues)}`, issues);
    },
    equals: (a, b) => isDeepStrictEqual(a, b),
  };
}
