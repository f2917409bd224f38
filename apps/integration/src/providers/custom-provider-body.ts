import { z } from 'zod';
import { ValidationError, type FieldIssue } from '@bizosaas/ddd-kernel';
import { describeRefusal, urlRefusal, type AddressPolicy } from '@bizosaas/outbound-http';
import { providerDefinition, type ProviderDefinition } from './provider.ts';

const clientId = z.string().min(1).max(500);
const clientSecret = z.string().min(1).max(2000);

/** A generic API-key or OAuth 2 provider; an OAuth 2 one brings the client registered with it. */
export const customProviderBody = providerDefinition.extend({
  client: z.strictObject({ clientId, clientSecret }).optional(),
});
export type CustomProviderBody = z.output<typeof customProviderBody>;

/** The same without the key (it is the path's); an omitted clientSecret keeps the stored one. */
export const customProviderReplacement = providerDefinition.omit({ key: true }).extend({
  client: z.strictObject({ clientId, clientSecret: clientSecret.optional() }).optional(),
});
export type CustomProviderReplacement = z.output<typeof customProviderReplacement>;

/**
 * What the schema cannot say: a client goes with OAuth 2 only (`clientRequired`: and must be
 * there), and every URL the platform will call must reach a public address (or an allowed CIDR).
 */
export function checkCustomProvider(
  definition: ProviderDefinition,
  client: object | undefined,
  policy: AddressPolicy,
  clientRequired: boolean,
): void {
  const issues: FieldIssue[] = [];
  if (definition.auth.type === 'api_key' && client)
    issues.push({ path: 'client', message: 'only an OAuth 2 provider has a client', location: 'body' });
  if (definition.auth.type === 'oauth2' && !client && clientRequired)
    issues.push({ path: 'client', message: 'an OAuth 2 provider needs its client id and secret', location: 'body' });
  const urls: [string, string | undefined][] = [['baseUrl', definition.baseUrl]];
  if (definition.auth.type === 'oauth2')
    urls.push(['auth.tokenUrl', definition.auth.tokenUrl], ['auth.revocationUrl', definition.auth.revocationUrl]);
  for (const [path, url] of urls) {
    const refusal = url === undefined ? null : urlRefusal(url, policy);
    if (refusal)
      issues.push({ path, message: `must reach a public address: ${describeRefusal(refusal)}`, location: 'body' });
  }
  if (issues.length > 0) throw new ValidationError('Invalid provider', issues);
}
