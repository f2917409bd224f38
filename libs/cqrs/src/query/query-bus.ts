import { describeIssues, fieldIssuesOf, ValidationError, type FieldIssue } from '@bizosaas/ddd-kernel';
import type { z } from 'zod';

/** Who asks: the verified request context a read model filters by. */
export interface QueryContext {
  readonly tenantId?: string;
  readonly actor?: { readonly type: 'user' | 'service' | 'system'; readonly id: string };
  readonly correlationId?: string;
}

/** A read: zod-validated params, answered from projections (never through the domain). */
export interface QueryDefinition<Type extends string, Schema extends z.ZodType, Result> {
  readonly type: Type;
  readonly schema: Schema;
  /** Where params come from, for the issues of a VALIDATION_ERROR; default 'query'. */
  readonly location?: FieldIssue['location'];
  readonly handle: (params: z.output<Schema>, context: QueryContext) => Promise<Result>;
}

/** `any`: definitions of every params type share one map. */
type AnyQueryDefinition = QueryDefinition<string, any, unknown>;
type ParamsOf<D> = D extends QueryDefinition<any, infer S, unknown> ? z.input<S> : never;
type ResultOf<D> = D extends QueryDefinition<any, any, infer R> ? R : never;

/** Declares a query with its types inferred. */
export function defineQuery<const Type extends string, Schema extends z.ZodType, Result>(
  definition: QueryDefinition<Type, Schema, Result>,
): QueryDefinition<Type, Schema, Result> {
  return definition;
}

/** Routes queries by type to their handlers after validating params. */
export interface QueryBus<Defs extends AnyQueryDefinition = never> {
  register<D extends AnyQueryDefinition>(definition: D): QueryBus<Defs | D>;
  /** Throws a VALIDATION_ERROR listing every bad param, else answers with the handler's result. */
  execute<T extends Defs['type']>(
    query: { readonly type: T; readonly params: ParamsOf<Extract<Defs, { type: T }>> } & { readonly type: T },
    context?: QueryContext,
  ): Promise<ResultOf<Extract<Defs, { type: T }>>>;
}

export function createQueryBus(): QueryBus {
  return queryBusOf(new Map());
}

function queryBusOf<Defs extends AnyQueryDefinition>(routes: ReadonlyMap<string, AnyQueryDefinition>): QueryBus<Defs> {
  return {
    register(definition) {
      if (routes.has(definition.type)) throw new Error(`Query "${definition.type}" is already registered`);
      return queryBusOf(new Map([...routes, [definition.type, definition]]));
    },
    async execute(query, context = {}) {
      const definition = routes.get(query.type);
      if (!definition) throw new Error(`No handler registered for query "${query.type}"`);
      const parsed = await definition.schema.safeParseAsync(query.params);
      if (!parsed.success) {
        const issues = fieldIssuesOf(parsed.error, { location: definition.location ?? 'query' });
        throw new ValidationError(`Invalid ${query.type}: ${describeIssues(issues)}`, issues);
      }
      return definition.handle(parsed.data, context) as Promise<never>;
    },
  };
}
