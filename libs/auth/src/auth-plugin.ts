import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '@bizosaas/ddd-kernel';
import { readBearerToken } from './bearer-token.ts';
import type { TokenVerifier } from './jwks-verifier.ts';
import type { Principal } from './principal.ts';
import { tokenRejected } from './token-rejection.ts';

/**
 * Per-route policy, set as route config `{ auth: ... }`:
 * `required` (the default) needs a valid token; `optional` verifies a token if one is sent
 * (a bad one is still refused); `public` never looks at credentials.
 */
export type AuthMode = 'required' | 'optional' | 'public';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; set by `authPlugin` whenever a valid bearer token was sent. */
    principal: Principal | undefined;
  }
  interface FastifyContextConfig {
    auth?: AuthMode;
  }
}

/**
 * Routes that are `public` without per-route config. Strings are route patterns as declared
 * (`/health`); a trailing `/*` also matches the prefix itself and everything below it (`/docs/*`).
 */
export type PublicRouteMatcher = readonly string[] | ((request: FastifyRequest) => boolean);

export interface AuthPluginOptions {
  verifier: TokenVerifier;
  publicRoutes?: PublicRouteMatcher;
}

const plugin: FastifyPluginAsync<AuthPluginOptions> = async (fastify, { verifier, publicRoutes }) => {
  const isPublic = toPredicate(publicRoutes ?? []);
  fastify.decorateRequest('principal', undefined);
  fastify.addHook('onRequest', async (request, reply) => {
    const mode = authModeOf(request, isPublic);
    if (mode === 'public') return;
    try {
      request.principal = await authenticate(request, mode, verifier);
    } catch (err) {
      if (err instanceof UnauthenticatedError) challenge(reply, err);
      throw err;
    }
  });
};

/**
 * Verifies `Authorization: Bearer` on every request (onRequest, before the body is read) and
 * puts the caller on `request.principal`. Secure by default: routes need a token unless their
 * config or `publicRoutes` says otherwise. A request whose X-Tenant-ID disagrees with the
 * token's tenant is refused with FORBIDDEN. Registered without encapsulation, so it covers
 * every route of the instance it is registered on.
 */
export const authPlugin = Object.assign(plugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: '@bizosaas/auth',
  [Symbol.for('plugin-meta')]: { name: '@bizosaas/auth', fastify: '5.x' },
});

async function authenticate(
  request: FastifyRequest,
  mode: Exclude<AuthMode, 'public'>,
  verifier: TokenVerifier,
): Promise<Principal | undefined> {
  const token = readBearerToken(request.headers.authorization);
  if (token === undefined) {
    if (mode === 'required') throw tokenRejected('missing_token');
    return undefined;
  }
  const principal = await verifier.verify(token);
  assertSameTenant(request.headers['x-tenant-id'], principal);
  return principal;
}

function assertSameTenant(header: string | string[] | undefined, principal: Principal): void {
  if (header === undefined) return;
  // Repeated headers arrive as a list; anything but exactly the token's tenant is a mismatch.
  const claimed = Array.isArray(header) ? header.join(',') : header;
  if (claimed.trim().toLowerCase() !== principal.tenantId) {
    throw new ForbiddenError('Tenant does not match the access token', { reason: 'tenant_mismatch' });
  }
}

function authModeOf(request: FastifyRequest, isPublic: (request: FastifyRequest) => boolean): AuthMode {
  const configured = request.routeOptions.config?.auth;
  if (configured) return configured;
  // No route matched: nothing to protect, let the 404 answer (a bad token is still refused).
  if (request.routeOptions.url === undefined) return 'optional';
  return isPublic(request) ? 'public' : 'required';
}

function toPredicate(matcher: PublicRouteMatcher): (request: FastifyRequest) => boolean {
  if (typeof matcher === 'function') return matcher;
  const exact = new Set(matcher.filter((pattern) => !pattern.endsWith('/*')));
  const prefixes = matcher.filter((pattern) => pattern.endsWith('/*')).map((pattern) => pattern.slice(0, -2));
  return (request) => {
    const url = request.routeOptions.url;
    if (url === undefined) return false;
    return exact.has(url) || prefixes.some((prefix) => url === prefix || url.startsWith(`${prefix}/`));
  };
}

/** RFC 6750 §3: a 401 for bearer auth says which scheme is expected and, for a bad token, why. */
function challenge(reply: FastifyReply, err: UnauthenticatedError): void {
  const reason = err.details['reason'];
  const error = reason === 'missing_token' ? '' : reason === 'malformed_header' ? 'invalid_request' : 'invalid_token';
  reply.header('www-authenticate', error ? `Bearer realm="bizosaas", error="${error}"` : 'Bearer realm="bizosaas"');
}
