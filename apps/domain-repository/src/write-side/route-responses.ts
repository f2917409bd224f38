import { errorResponseSchema } from '@bizosaas/service-kit';

/*
 * The error answers only a command route knows it gives; service-kit documents those it derives
 * from the route itself (400, 401, 403, 404, 413, 415).
 * 409 CONCURRENCY_EXCEPTION: If-Match or expectedVersion is not the current version.
 * 422 BUSINESS_RULE_VIOLATION: a transition rule of the aggregate, or an Idempotency-Key reused with another body.
 */

/** A command on an existing aggregate: version-guarded (409) and ruled by its transitions (422). */
export const commandErrors = { 409: errorResponseSchema, 422: errorResponseSchema } as const;

/** A command creating an aggregate under an id made here: no version to clash, but a reused Idempotency-Key is 422. */
export const createErrors = { 422: errorResponseSchema } as const;
