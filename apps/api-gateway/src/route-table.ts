import type { ServiceName } from './config.ts';

export interface Route {
  /** Public path prefix, matched on whole segments; the same path is forwarded unchanged. */
  prefix: string;
  service: ServiceName;
  timeoutMs?: number;
}

/**
 * The gateway's route table: data, not code. Public routes are the same path at the gateway
 * and at the service (DESIGN.md). Longest prefix wins.
 */
export const routeTable: readonly Route[] = [
  { prefix: '/.well-known/jwks.json', service: 'user-management' },
  { prefix: '/api/v1/auth', service: 'user-management' },
  { prefix: '/api/v1/users', service: 'user-management' },
  { prefix: '/api/v1/tenants', service: 'user-management' },
  { prefix: '/api/v1/sessions', service: 'user-management' },
  { prefix: '/api/v1/api-keys', service: 'user-management' },
  { prefix: '/api/v1/leads', service: 'domain-repository' },
  { prefix: '/api/v1/customers', service: 'domain-repository' },
  { prefix: '/api/v1/campaigns', service: 'domain-repository' },
  { prefix: '/api/v1/crm-events', service: 'domain-repository' },
  { prefix: '/api/v1/campaign-executions', service: 'campaign' },
  { prefix: '/api/v1/funnels', service: 'campaign' },
  { prefix: '/api/v1/analytics', service: 'analytics' },
  { prefix: '/api/v1/integrations', service: 'integration' },
  { prefix: '/api/v1/webhooks', service: 'integration' },
  { prefix: '/api/v1/notifications', service: 'notification' },
  { prefix: '/api/v1/events', service: 'event-bus' },
  { prefix: '/api/v1/agents', service: 'ai-agents', timeoutMs: 60_000 },
];

/**
 * Rate-limit class of a public route: `credentials` routes take passwords, keys or one-time
 * tokens, so they get a much smaller per-address budget (brute force) on top of the general one.
 */
export type PublicRouteLimit = 'default' | 'credentials';

export interface PublicRoute {
  method: 'GET' | 'POST';
  /** Exact path (no prefix match: a sub-path of a public route still needs a token). */
  path: string;
  limit: PublicRouteLimit;
}

/**
 * Forwarded routes that need no access token: they are how a caller gets one. Everything else
 * under the route table is verified at the edge. The gateway's own /health, /ready, /metrics
 * and /docs* are outside the forwarding scope and never checked.
 */
export const publicRoutes: readonly PublicRoute[] = [
  { method: 'POST', path: '/api/v1/auth/register', limit: 'credentials' },
  { method: 'POST', path: '/api/v1/auth/login', limit: 'credentials' },
  { method: 'POST', path: '/api/v1/auth/refresh', limit: 'credentials' },
  { method: 'POST', path: '/api/v1/auth/token', limit: 'credentials' },
  { method: 'POST', path: '/api/v1/auth/accept-invitation', limit: 'credentials' },
  { method: 'GET', path: '/.well-known/jwks.json', limit: 'default' },
];

/** The public route a request is for, if any; HEAD counts as GET. */
export function matchPublicRoute(table: readonly PublicRoute[], method: string, path: string): PublicRoute | undefined {
  const asMethod = method === 'HEAD' ? 'GET' : method;
  return table.find((route) => route.path === path && route.method === asMethod);
}

/** Finds the entry whose prefix matches the path on a segment boundary, longest first. */
export function matchRoute(table: readonly Route[], path: string): Route | undefined {
  let best: Route | undefined;
  for (const route of table) {
    const matches = path === route.prefix || path.startsWith(`${route.prefix}/`);
    if (matches && (!best || route.prefix.length > best.prefix.length)) best = route;
  }
  return best;
}
