import type { FastifyBaseLogger } from 'fastify';
import { UnauthenticatedError } from '@bizosaas/ddd-kernel';
import { createBoundedCache } from '@bizosaas/envelope-encryption';
import { openCredentials, type SealedCredentials } from '../connections/credentials.ts';
import type { IntegrationContext } from '../context.ts';
import type { ProviderDefinition } from '../providers/provider.ts';

/** The connection a webhook is for, as read across tenants before anything is verified. */
export interface WebhookTarget {
  tenantId: string;
  connectionId: string;
  provider: string;
  sealed: SealedCredentials;
}

type SecretContext = Pick<IntegrationContext, 'config' | 'dataKeys'>;

/** The webhook signing secret of `target`, or a 401 (the log says which secret is missing). */
export type SigningSecret = (
  provider: ProviderDefinition,
  target: WebhookTarget,
  log: FastifyBaseLogger,
) => Promise<string>;

interface Opened {
  sealed: SealedCredentials;
  secret: string | undefined;
}

// A bound on plaintext secrets held, like the data key cache's on keys.
const CACHE = { maxEntries: 10_000, ttlMs: 5 * 60_000 };

/**
 * The secret the provider signs with: Stripe, the connection's endpoint signing secret (sealed
 * with its credentials); HubSpot and Meta, the platform app's client secret (OAUTH_CLIENTS). A
 * missing one answers like a wrong signature; the log says which, never the secret.
 *
 * Opening the credentials (a decipher keyed on every call) took about 6% of the service's CPU
 * per webhook, so an opened Stripe secret is kept per connection with the sealed bytes it came
 * from: new credentials are new bytes (a fresh IV every seal), so a changed secret is never
 * served from the cache.
 */
export function createSigningSecret(ctx: SecretContext): SigningSecret {
  const opened = createBoundedCache<Opened>(CACHE);
  const stripeSecret = async (target: WebhookTarget): Promise<string | undefined> => {
    const key = `${target.tenantId}|${target.connectionId}`;
    const cached = opened.get(key);
    if (cached && sameSealed(cached.sealed, target.sealed)) return cached.secret;
    const credentials = await openCredentials(ctx.dataKeys, target.tenantId, target.connectionId, target.sealed);
    const secret = credentials.type === 'api_key' ? credentials.webhookSecret : undefined;
    opened.set(key, { sealed: target.sealed, secret });
    return secret;
  };
  return async (provider, target, log) => {
    const secret =
      provider.webhooks.scheme === 'stripe'
        ? await stripeSecret(target)
        : ctx.config.OAUTH_CLIENTS[provider.key]?.clientSecret;
    if (secret) return secret;
    log.warn(
      { provider: provider.key, connectionId: target.connectionId, scheme: provider.webhooks.scheme },
      'webhook refused: no signing secret is configured for it',
    );
    throw new UnauthenticatedError('The webhook signature is missing or wrong');
  };
}

const sameSealed = (a: SealedCredentials, b: SealedCredentials) =>
  a.dataKeyVersion === b.dataKeyVersion && a.sealed.equals(b.sealed);
