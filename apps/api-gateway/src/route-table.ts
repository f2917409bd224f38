import type { ServiceName } from './config.ts';

export interface Route {
  /** Public path prefix, matched on whole segments; the same path is forwarded unchanged. */
  prefix: string;
  service: ServiceName;
  /** Wait for the answer's headers (and between its body's chunks), ms; UPSTREAM_TIMEOUT_MS when absent. */
  timeoutMs?: number;
  /**
   * Answers are open-ended streams (server-sent events): no timeout between their chunks. Requests
   * that accept `text/event-stream` are streamed this way on any route.
   */
  stream?: boolean;
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
  { prefix: '/api/v1/lead-scoring-policy', service: 'domain-repository' },
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
 * Service-to-service routes under a forwarded prefix that the gateway never forwards: it answers
 * 404 as for an unknown path. user-management's client-credentials grant takes platform service
 * secrets and must not be reachable (nor brute-forced) from outside.
 */
export const internalPaths: readonly string[] = ['/api/v1/auth/service-tokens'];

/** Percent-decoded, so `service%2Dtokens` is the path the service's router would match. */
function isInternal(path: string): boolean {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Not decodable: the service's router refuses it too; the raw path is checked.
  }
  return internalPaths.some((internal) => decoded === internal || decoded.startsWith(`${internal}/`));
}

/**
 * Rate-limit class of a public route: `credentials` routes take passwords, keys or one-time
 * tokens, so they get a much smaller per-address budget (brute force) on top of the general one.
 */
export type PublicRouteLimit = 'default' | 'credentials';

export interface PublicRoute {
  method: 'GET' | 'POST';
  /**
   * Path pattern matched on whole segments: a literal segment matches itself, `:name` matches
   * exactly one non-empty segment (never `.` or `..`). A sub-path of a public route still needs
   * a token.
   */
  path: string;
  limit: PublicRouteLimit;
}

/**
 * Forwarded routes that need no access token: how a caller gets one, and what reaches the
 * platform from outside without one (provider webhooks, whose signature the service checks;
 * the OAuth provider's redirect; unsubscribe and tracking links, which carry their own signed
 * token). Everything else under the route table is verified at the edge. The gateway's own
 * /health, /ready, /metrics and /docs* are outside the forwarding scope and never checked.
 */
export const publicRoutes: readonly PublicRoute[] = [
  { method: 'POST', path: '/api/v1/auth/register', limit: 'credentials' },
  { method: 'POST', path: '/api/v1/auth/login', limit: 'credentials' },
  { method: 'POST', path: '/api/v1/auth/refresh', limit: 'credentials' },
  { method: 'POST', path: '/api/v1/auth/token', limit: 'credentials' },
  { method: 'POST', path: '/api/v1/auth/accept-invitation', limit: 'credentials' },
  { method: 'GET', path: '/.well-known/jwks.json', limit: 'default' },
  { method: 'POST', path: '/api/v1/webhooks/:provider/:connectionId', limit: 'default' },
  { method: 'GET', path: '/api/v1/integrations/oauth/callback', limit: 'default' },
  // GET from the link in a message; POST from a mail client's one-click unsubscribe (RFC 8058).
  { method: 'GET', path: '/api/v1/notifications/unsubscribe/:token', limit: 'default' },
  { method: 'POST', path: '/api/v1/notifications/unsubscribe/:token', limit: 'default' },
  { method: 'GET', path: '/api/v1/notifications/track/:kind/:token', limit: 'default' },
  // Delivery reports, bounces and complaints from providers; the service checks their signatures.
  { method: 'POST', path: '/api/v1/notifications/callbacks/:channel/:provider', limit: 'default' },
];

export type PublicRouteMatcher = (method: string, path: string) => PublicRoute | undefined;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// One non-empty segment that is not a dot-segment.
const PARAMETER = '(?!\\.\\.?(?:/|$))[^/]+';

function patternOf(path: string): RegExp {
  const segments = path.split('/').map((segment) => (segment.startsWith(':') ? PARAMETER : escapeRegExp(segment)));
  return new RegExp(`^${segments.join('/')}$`);
}

/**
 * Compiles the public routes once: exact paths are looked up by method and path, patterns
 * are tried in table order. HEAD counts as GET.
 */
export function publicRouteMatcher(table: readonly PublicRoute[]): PublicRouteMatcher {
  const exact = new Map<string, PublicRoute>();
  const patterns: { route: PublicRoute; pattern: RegExp }[] = [];
  for (const route of table) {
    if (route.path.includes('/:')) patterns.push({ route, pattern: patternOf(route.path) });
    else exact.set(`${route.method} ${route.path}`, route);
  }
  return (method, path) => {
    const asMethod = method === 'HEAD' ? 'GET' : method;
    const found = exact.get(`${asMethod} ${path}`);
    if (found || patterns.length === 0) return found;
    return patterns.find(({ route, pattern }) => route.method === asMethod && pattern.test(path))?.route;
  };
}

/** Finds the entry whose prefix matches the path on a segment boundary, longest first; none for an internal path. */
export function matchRoute(table: readonly Route[], path: string): Route | undefined {
  if (isInternal(path)) return undefined;
  let best: Route | undefined;
  for (const route of table) {
    const matches = path === route.prefix || path.startsWith(`${route.prefix}/`);
    if (matches && (!best || route.prefix.length > best.prefix.length)) best = route;
  }
  return best;
}
