import type { IntegrationContext } from '../context.ts';
import type { OAuthClient } from '../providers/oauth-client.ts';
import type { ProviderDefinition } from '../providers/provider.ts';
import type { Credentials } from './credentials.ts';

/** Where a failed revocation is told (the token is never part of it). */
export type RevocationLog = (fields: Record<string, unknown>, message: string) => void;

const REVOCATION_TIMEOUT_MS = 10_000;

/**
 * RFC 7009 token revocation at an OAuth 2 provider that has an endpoint for it: the refresh
 * token when there is one (revoking it ends the grant), else the access token, with the client's
 * authentication as the provider's token endpoint takes it. True when the provider answered 200;
 * a failure is logged and answers false: deleting a connection never depends on the provider.
 */
export async function revokeAtProvider(
  ctx: Pick<IntegrationContext, 'outbound'>,
  provider: ProviderDefinition,
  credentials: Credentials,
  client: OAuthClient | null,
  log: RevocationLog,
): Promise<boolean> {
  if (provider.auth.type !== 'oauth2' || !provider.auth.revocationUrl || credentials.type !== 'oauth2') return false;
  const form = new URLSearchParams(
    credentials.refreshToken
      ? { token: credentials.refreshToken, token_type_hint: 'refresh_token' }
      : { token: credentials.accessToken, token_type_hint: 'access_token' },
  );
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (client && provider.auth.clientAuth === 'client_secret_basic') headers.authorization = basicAuth(client);
  else if (client) {
    form.set('client_id', client.clientId);
    form.set('client_secret', client.clientSecret);
  }
  try {
    const response = await ctx.outbound.request(provider.auth.revocationUrl, {
      method: 'POST',
      headers,
      body: form.toString(),
      headersTimeout: REVOCATION_TIMEOUT_MS,
      bodyTimeout: REVOCATION_TIMEOUT_MS,
    });
    await response.body.dump();
    if (response.statusCode === 200) return true;
    log({ provider: provider.key, status: response.statusCode }, 'token revocation refused by the provider');
  } catch (error) {
    log({ provider: provider.key, reason: reasonOf(error) }, 'token revocation failed');
  }
  return false;
}

// RFC 6749 §2.3.1: client id and secret are form-urlencoded before they are joined.
const basicAuth = (client: OAuthClient) =>
  `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`;

/** The error's code and message: undici's errors name the failure, never the request's headers or body. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}
