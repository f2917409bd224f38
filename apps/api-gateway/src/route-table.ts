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

/** Finds the entry whose prefix matches the path on a segment boundary, longest first. */
export function matchRoute(table: readonly Route[], path: string): Route | undefined {
  let best: Route | undefined;
  for (const route of table) {
    const matches = path === route.prefix || path.startsWith(`${route.prefix}/`);
    if (matches && (!best || route.prefix.length > best.prefix.length)) best = route;
  }
  return best;
}
