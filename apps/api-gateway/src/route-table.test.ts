import { describe, expect, it } from 'vitest';
import { matchPublicRoute, matchRoute, publicRoutes, routeTable } from './route-table.ts';

describe('matchRoute', () => {
  it('matches whole segments only', () => {
    expect(matchRoute(routeTable, '/api/v1/leads')?.service).toBe('domain-repository');
    expect(matchRoute(routeTable, '/api/v1/leads/123/qualify')?.service).toBe('domain-repository');
    expect(matchRoute(routeTable, '/api/v1/leadsX')).toBeUndefined();
    expect(matchRoute(routeTable, '/api/v1/unknown')).toBeUndefined();
  });

  it('prefers the longest prefix', () => {
    const table = [
      { prefix: '/api/v1/events', service: 'event-bus' },
      { prefix: '/api/v1/events/webhooks', service: 'integration' },
    ] as const;
    expect(matchRoute(table, '/api/v1/events/webhooks/1')?.service).toBe('integration');
    expect(matchRoute(table, '/api/v1/events/history')?.service).toBe('event-bus');
  });

  it('sends every public prefix to one of the eight services, each prefix once', () => {
    const prefixes = routeTable.map((r) => r.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    expect(new Set(routeTable.map((r) => r.service)).size).toBe(8);
  });
});

describe('matchPublicRoute', () => {
  it('matches method and exact path; HEAD counts as GET', () => {
    expect(matchPublicRoute(publicRoutes, 'POST', '/api/v1/auth/login')?.limit).toBe('credentials');
    expect(matchPublicRoute(publicRoutes, 'HEAD', '/.well-known/jwks.json')?.limit).toBe('default');
    expect(matchPublicRoute(publicRoutes, 'GET', '/api/v1/auth/login')).toBeUndefined();
    expect(matchPublicRoute(publicRoutes, 'POST', '/api/v1/auth/login/')).toBeUndefined();
    expect(matchPublicRoute(publicRoutes, 'POST', '/api/v1/auth')).toBeUndefined();
  });

  it('lists only forwarded paths, every one owned by user-management', () => {
    for (const route of publicRoutes) expect(matchRoute(routeTable, route.path)?.service, route.path).toBe('user-management');
  });
});
