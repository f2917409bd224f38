import { describe, expect, it } from 'vitest';
import { matchRoute, publicRouteMatcher, publicRoutes, routeTable } from './route-table.ts';

describe('matchRoute', () => {
  it('matches whole segments only', () => {
    expect(matchRoute(routeTable, '/api/v1/leads')?.service).toBe('domain-repository');
    expect(matchRoute(routeTable, '/api/v1/leads/123/qualify')?.service).toBe('domain-repository');
    expect(matchRoute(routeTable, '/api/v1/leadsX')).toBeUndefined();
    expect(matchRoute(routeTable, '/api/v1/unknown')).toBeUndefined();
  });

  it('forwards no internal path, however it is spelled, but the rest of its prefix', () => {
    for (const path of [
      '/api/v1/auth/service-tokens',
      '/api/v1/auth/service%2Dtokens',
      '/api/v1/auth/service%2dtokens',
      '/api/v1/auth/service-tokens/',
      '/api/v1/auth/service-tokens/x',
    ]) {
      expect(matchRoute(routeTable, path), path).toBeUndefined();
    }
    expect(matchRoute(routeTable, '/api/v1/auth/token')?.service).toBe('user-management');
    expect(matchRoute(routeTable, '/api/v1/auth/service-tokensX')?.service).toBe('user-management');
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

describe('publicRouteMatcher', () => {
  const matchPublicRoute = publicRouteMatcher(publicRoutes);

  it('matches method and exact path; HEAD counts as GET', () => {
    expect(matchPublicRoute('POST', '/api/v1/auth/login')?.limit).toBe('credentials');
    expect(matchPublicRoute('HEAD', '/.well-known/jwks.json')?.limit).toBe('default');
    expect(matchPublicRoute('GET', '/api/v1/auth/login')).toBeUndefined();
    expect(matchPublicRoute('POST', '/api/v1/auth/login/')).toBeUndefined();
    expect(matchPublicRoute('POST', '/api/v1/auth')).toBeUndefined();
  });

  it('matches a parameter to exactly one non-empty segment', () => {
    const webhook = '/api/v1/webhooks/:provider/:connectionId';
    expect(matchPublicRoute('POST', '/api/v1/webhooks/stripe/c0ffee')?.path).toBe(webhook);
    expect(matchPublicRoute('POST', '/api/v1/webhooks/stripe%2Fx/c0ffee')?.path).toBe(webhook);
    for (const path of [
      '/api/v1/webhooks/stripe',
      '/api/v1/webhooks/stripe/',
      '/api/v1/webhooks//c0ffee',
      '/api/v1/webhooks/stripe/c0ffee/',
      '/api/v1/webhooks/stripe/c0ffee/more',
      '/api/v1/webhooks/../c0ffee',
      '/api/v1/webhooks/stripe/.',
    ]) {
      expect(matchPublicRoute('POST', path), path).toBeUndefined();
    }
    expect(matchPublicRoute('GET', '/api/v1/webhooks/stripe/c0ffee')).toBeUndefined();
  });

  it('takes literal segments of a pattern literally', () => {
    const match = publicRouteMatcher([{ method: 'GET', path: '/api/v1/a.b/:id', limit: 'default' }]);
    expect(match('GET', '/api/v1/a.b/1')).toBeDefined();
    expect(match('GET', '/api/v1/aXb/1')).toBeUndefined();
  });

  it('has unsubscribe by GET and POST, tracking links and the OAuth callback', () => {
    expect(matchPublicRoute('GET', '/api/v1/notifications/unsubscribe/tok.en-1')).toBeDefined();
    expect(matchPublicRoute('POST', '/api/v1/notifications/unsubscribe/tok.en-1')).toBeDefined();
    expect(matchPublicRoute('GET', '/api/v1/notifications/track/open/tok')).toBeDefined();
    expect(matchPublicRoute('GET', '/api/v1/notifications/track/open')).toBeUndefined();
    expect(matchPublicRoute('GET', '/api/v1/integrations/oauth/callback')).toBeDefined();
    expect(matchPublicRoute('GET', '/api/v1/integrations/oauth/callback/x')).toBeUndefined();
  });

  it('lists only forwarded paths, each to the service that owns it', () => {
    const owner = {
      auth: 'user-management',
      '.well-known': 'user-management',
      webhooks: 'integration',
      integrations: 'integration',
      notifications: 'notification',
    };
    for (const route of publicRoutes) {
      const sample = route.path.replaceAll(/:[^/]+/g, 'x');
      const segment = sample.split('/').find((s) => s in owner) as keyof typeof owner;
      expect(matchRoute(routeTable, sample)?.service, route.path).toBe(owner[segment]);
    }
  });
});
