import type { z } from 'zod';
import { aggregateTypePattern, eventTypePattern } from './envelope.ts';
import { sensitivePaths } from './sensitive.ts';

/**
 * Turns data of schema version n into data of version n + 1. Pure: no clock, no I/O.
 * It receives unvalidated stored data; build it with `defineUpcaster` to check its input.
 */
export type Upcaster = (data: unknown) => unknown;

/** One catalogue entry: everything known about an event type. */
export interface EventDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  readonly type: T;
  /** The version producers write today; older stored versions are upcast to it on read. */
  readonly schemaVersion: number;
  readonly aggregateType: string;
  readonly description: string;
  /** Schema of `data` at `schemaVersion`. */
  readonly data: S;
  /** `upcasters[n - 1]` turns version n into n + 1; there are `schemaVersion - 1` of them. */
  readonly upcasters: readonly Upcaster[];
  /** Dotted paths of fields marked with `sensitive()`, e.g. `contact.email`. */
  readonly sensitivePaths: readonly string[];
  /** A valid `data` value at `schemaVersion` (docs, tests, JSON Schema examples). */
  readonly example: z.output<S>;
}

export interface EventSpec<T extends string, S extends z.ZodType> {
  type: T;
  aggregateType: string;
  description: string;
  data: S;
  example: z.output<S>;
  /** Defaults to 1 and must equal `upcasters.length + 1`. */
  schemaVersion?: number;
  upcasters?: readonly Upcaster[];
}

/** Checks an event spec once, at module load, and derives its sensitive paths. */
export function defineEvent<const T extends string, S extends z.ZodType>(spec: EventSpec<T, S>): EventDefinition<T, S> {
  const upcasters = spec.upcasters ?? [];
  const schemaVersion = spec.schemaVersion ?? 1;
  const problems = [
    !eventTypePattern.test(spec.type) && 'type must look like context.snake_case_verb',
    !aggregateTypePattern.test(spec.aggregateType) && 'aggregateType must be snake_case',
    schemaVersion !== upcasters.length + 1 &&
      `schemaVersion ${schemaVersion} needs ${schemaVersion - 1} upcasters, got ${upcasters.length}`,
    !spec.data.safeParse(spec.example).success && 'example does not match the data schema',
  ].filter((problem): problem is string => typeof problem === 'string');
  if (problems.length > 0) throw new Error(`Event ${spec.type}: ${problems.join('; ')}`);
  return {
    ...spec,
    schemaVersion,
    upcasters,
    sensitivePaths: sensitivePaths(spec.data),
  };
}

/**
 * An upcaster that validates the old version's data with `from` before mapping it, so a
 * malformed stored event fails with field paths instead of a TypeError.
 */
export function defineUpcaster<Old extends z.ZodType>(from: Old, to: (old: z.output<Old>) => unknown): Upcaster {
  return (data) => to(from.parse(data));
}
