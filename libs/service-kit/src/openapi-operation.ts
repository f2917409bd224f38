import type { FastifySchema, RouteOptions } from 'fastify';
import { errorResponseSchema } from './error-response.ts';

/** What the auth plugin will do with a route: `public` routes carry no security requirement. */
export type RouteAuth = 'required' | 'optional' | 'public';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'VALIDATION_ERROR: the request does not match its schema; details.issues names every bad or unknown field',
  401: 'UNAUTHENTICATED: the bearer token is missing, expired or invalid',
  403: 'FORBIDDEN: the caller may not do this',
  404: "NOT_FOUND: no such resource in the caller's tenant",
  409: 'CONFLICT or CONCURRENCY_EXCEPTION: the resource changed or already exists',
  413: "PAYLOAD_TOO_LARGE: the body is over the service's limit",
  415: 'UNSUPPORTED_MEDIA_TYPE: the body is not application/json',
  422: 'BUSINESS_RULE_VIOLATION: a rule of the domain refuses the request in the current state',
  429: 'RATE_LIMITED: too many requests; Retry-After says when to try again',
  503: 'SERVICE_UNAVAILABLE: a dependency is unavailable; retry later',
};

const errorResponse = (status: number) => ({
  description: ERROR_DESCRIPTIONS[status] ?? 'Error in the error shape',
  content: { 'application/json': { schema: errorResponseSchema } },
});

/** Route hooks carrying a `permission` (requirePermission's guards), for the 403 and the description. */
function permissionsOf(route: RouteOptions): string[] {
  const hooks = [route.onRequest, route.preValidation, route.preHandler].flat();
  return hooks.flatMap((hook) => {
    const permission: unknown = hook === undefined ? undefined : Reflect.get(hook, 'permission');
    return typeof permission === 'string' ? [permission] : [];
  });
}

/** Deterministic and URL-safe: `POST /api/v1/users/:id/deactivate` -> `postUsersByIdDeactivate`. */
export function operationIdFor(method: string, url: string): string {
  const words = url
    .replace(/^\/api\/v\d+/, '')
    .split('/')
    .filter(Boolean)
    .flatMap((segment) => (segment.startsWith(':') ? ['by', segment.slice(1)] : segment.split(/[^A-Za-z0-9]+/)))
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((word) => word[0]!.toUpperCase() + word.slice(1))].join('');
}

/** The first path segment after the version, e.g. `/api/v1/sessions/:id` -> `sessions`. */
export function tagFor(url: string): string {
  return (
    url
      .replace(/^\/api\/v\d+/, '')
      .split('/')
      .find((segment) => segment && !segment.startsWith(':')) ?? 'root'
  );
}

function securityOf(auth: RouteAuth): Record<string, string[]>[] {
  if (auth === 'public') return [];
  // An empty requirement makes the token optional (OpenAPI 3.0 §4.8.10).
  return auth === 'optional' ? [{}, { bearerAuth: [] }] : [{ bearerAuth: [] }];
}

function derivedErrors(route: RouteOptions, schema: FastifySchema, auth: RouteAuth, permissions: string[]): number[] {
  const statuses: number[] = [];
  if (
    schema.body !== undefined ||
    schema.querystring !== undefined ||
    schema.params !== undefined ||
    schema.headers !== undefined
  )
    statuses.push(400);
  if (auth !== 'public') statuses.push(401);
  if (permissions.length > 0) statuses.push(403);
  if (schema.params !== undefined || route.url.includes('/:')) statuses.push(404);
  if (schema.body !== undefined) statuses.push(413, 415);
  return statuses;
}

function describeOperation(schema: FastifySchema, permissions: string[]): string {
  const own = schema.description ?? schema.summary ?? '';
  const sentence = own && !/[.!?]$/.test(own) ? `${own}.` : own;
  const needs =
    permissions.length > 0 ? `Requires the permission ${permissions.map((p) => `\`${p}\``).join(' and ')}.` : '';
  return [sentence, needs].filter(Boolean).join(' ') || 'No description.';
}

/**
 * The route's schema with what service-kit can derive for the OpenAPI document: operationId,
 * tags, security, a description naming the permission, and the error responses the platform
 * itself gives (400/401/403/404/413/415). What the route declares is never overwritten.
 */
export function enrichOperation(route: RouteOptions, schema: FastifySchema, auth: RouteAuth): FastifySchema {
  const method = Array.isArray(route.method) ? route.method[0]! : route.method;
  const permissions = permissionsOf(route);
  const declared: Record<string, unknown> = { ...(schema.response as Record<string, unknown> | undefined) };
  const response: Record<string, unknown> = {};
  for (const status of derivedErrors(route, schema, auth, permissions)) response[status] = errorResponse(status);
  for (const [status, value] of Object.entries(declared)) {
    // A bare error schema gets the standard description of its status instead of "Default Response".
    response[status] = Number(status) >= 400 && value === errorResponseSchema ? errorResponse(Number(status)) : value;
  }
  return {
    ...schema,
    operationId: schema.operationId ?? operationIdFor(method, route.url),
    tags: schema.tags ?? [tagFor(route.url)],
    security: schema.security ?? securityOf(auth),
    description: describeOperation(schema, permissions),
    response,
  };
}
