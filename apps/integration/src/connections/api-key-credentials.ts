import { z } from 'zod';
import { ValidationError } from '@bizosaas/ddd-kernel';
import type { ProviderDefinition } from '../providers/provider.ts';
import type { Credentials } from './credentials.ts';

// Keys travel in a header value: printable ASCII, no spaces or line breaks.
const headerToken = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/**
 * An API key and, for a provider that signs its webhooks, the signing secret (Stripe: the
 * endpoint's `whsec_...`). Write-only: no route returns them.
 */
export const apiKeyCredentialsBody = z.strictObject({
  apiKey: headerToken,
  webhookSecret: headerToken.optional(),
});
export type ApiKeyCredentialsBody = z.output<typeof apiKeyCredentialsBody>;

/**
 * The credentials to store for `provider`: a Stripe-signed provider needs its endpoint signing
 * secret; a provider that signs nothing takes none. `kept` is the secret already stored, kept
 * when a replacement omits it. `path` is where the credentials are in the body ('' for the root).
 */
export function apiKeyCredentials(
  provider: ProviderDefinition,
  body: ApiKeyCredentialsBody,
  path: string,
  kept?: string,
): Extract<Credentials, { type: 'api_key' }> {
  const webhookSecret = body.webhookSecret ?? kept;
  const scheme = provider.webhooks.scheme;
  const issue = (message: string) =>
    new ValidationError('Invalid credentials', [
      { path: path ? `${path}.webhookSecret` : 'webhookSecret', message, location: 'body' },
    ]);
  if (scheme === 'none' && body.webhookSecret !== undefined)
    throw issue(`${provider.key} sends no signed webhooks: there is no webhook secret to give`);
  if (scheme === 'stripe' && webhookSecret === undefined)
    throw issue("required: the endpoint's signing secret (whsec_...) that verifies Stripe's webhooks");
  if (scheme === 'stripe' && !webhookSecret!.startsWith('whsec_'))
    throw issue("must be the endpoint's signing secret, which starts with whsec_");
  return { type: 'api_key', apiKey: body.apiKey, ...(webhookSecret !== undefined && { webhookSecret }) };
}
