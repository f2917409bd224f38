import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@bizosaas/config';
import { configSchema } from '../config.ts';
import { authenticateClient, parseBasicCredentials } from './client-authentication.ts';
import { servicePrincipalId, uuidV5 } from './service-principal-id.ts';

const KEK = Buffer.alloc(32, 'k').toString('base64');
const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const configWith = (clients: unknown) =>
  loadConfig(configSchema, {
    SIGNING_KEY_ENCRYPTION_KEY: KEK,
    SERVICE_CLIENTS: typeof clients === 'string' ? clients : JSON.stringify(clients),
  });
const problemOf = (clients: unknown) => {
  try {
    configWith(clients);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return undefined;
};
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('SERVICE_CLIENTS', () => {
  it('is empty by default and parses clients with their permissions in catalogue order', () => {
    expect(loadConfig(configSchema, { SIGNING_KEY_ENCRYPTION_KEY: KEK }).SERVICE_CLIENTS.size).toBe(0);
    const clients = configWith({
      integration: { secret: SECRET, permissions: ['events:subscribe', 'integrations:manage'] },
    });
    expect(clients.SERVICE_CLIENTS.get('integration')?.permissions).toEqual([
      'integrations:manage',
      'events:subscribe',
    ]);
  });

  it('stops the service naming the variable and the problem', () => {
    expect(problemOf('{nope')).toBe(
      'Invalid configuration: SERVICE_CLIENTS is invalid: must be JSON {"<clientId>": {"secret", "permissions"}}',
    );
    expect(problemOf({ integration: { secret: SECRET, permissions: ['integrations:manage', 'crm:everything'] } })).toBe(
      'Invalid configuration: SERVICE_CLIENTS is invalid: client "integration": unknown permissions crm:everything',
    );
    expect(problemOf({ integration: { secret: SECRET, permissions: ['*'] } })).toMatch(/unknown permissions \*/);
    expect(problemOf({ integration: { secret: 'short', permissions: ['integrations:manage'] } })).toMatch(
      /integration\.secret: secret: at least 32 characters/,
    );
    expect(problemOf({ 'a:b': { secret: SECRET, permissions: ['integrations:manage'] } })).toMatch(/client id "a:b"/);
    expect(problemOf({ integration: { secret: SECRET, permissions: [], scope: 'x' } })).toMatch(/SERVICE_CLIENTS/);
  });
});

describe('client authentication (HTTP Basic, RFC 6749 §2.3.1)', () => {
  const clients = configWith({
    integration: { secret: SECRET, permissions: ['integrations:manage'] },
    odd: { secret: `${SECRET}:+ %`, permissions: ['leads:read'] },
  }).SERVICE_CLIENTS;

  it('form-decodes id and secret, so a secret may hold ":", "+" and "%"', () => {
    expect(parseBasicCredentials(basic('odd', `${SECRET}:+ %`))).toEqual({ id: 'odd', secret: `${SECRET}:+ %` });
    expect(authenticateClient(clients, basic('odd', `${SECRET}:+ %`))?.id).toBe('odd');
  });

  it('accepts only the configured secret of a known client', () => {
    expect(authenticateClient(clients, basic('integration', SECRET))?.id).toBe('integration');
    expect(authenticateClient(clients, basic('integration', `${SECRET}x`))).toBeUndefined();
    expect(authenticateClient(clients, basic('unknown', SECRET))).toBeUndefined();
    expect(authenticateClient(clients, basic('odd', SECRET))).toBeUndefined();
  });

  it('refuses what is not Basic credentials', () => {
    for (const header of [
      undefined,
      '',
      `Bearer ${SECRET}`,
      'Basic',
      'Basic !!!',
      `Basic ${btoa('no-colon')}`,
      `Basic ${btoa(':secret')}`,
    ]) {
      expect(parseBasicCredentials(header), String(header)).toBeUndefined();
    }
  });
});

describe('service principal ids', () => {
  it('are UUIDv5 (the RFC 9562 example) and stable per client', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
    expect(servicePrincipalId('integration')).toBe(servicePrincipalId('integration'));
    expect(servicePrincipalId('integration')).not.toBe(servicePrincipalId('ai-agents'));
    expect(servicePrincipalId('integration')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
