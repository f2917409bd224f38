import type pg from 'pg';
import * as oauth from 'oauth4webapi';
import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import { OutboundAddressRefusedError } from '@bizosaas/outbound-http';
import type { Credentials } from '../connections/credentials.ts';
import type { IntegrationContext } from '../context.ts';
import { oauthClientOf, type OAuthClient } from '../providers/oauth-client.ts';
import type { ProviderDefinition } from '../providers/provider.ts';
import { outboundFetch, type FetchLike } from './outbound-fetch.ts';

export type OAuth2Provider = ProviderDefinition & { auth: Extract<ProviderDefinition['auth'], { type: 'oauth2' }> };
export type OAuth2Credentials = Extract<Credentials, { type: 'oauth2' }>;

/** Everything oauth4webapi needs to talk to one provider's token endpoint as the platform's app. */
export interface TokenEndpoint {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  options: oauth.TokenEndpointRequestOptions;
}

const TOKEN_REQUEST_TIMEOUT_MS = 10_000;

/** The token endpoint could not be reached or answered 429/5xx: worth trying again later. */
export class TransientTokenError extends Error {}

/** Network failures and 429/5xx answers become TransientTokenError; a refused address stays refused. */
function transientAware(fetch: FetchLike): FetchLike {
  return async (url, options) => {
    let response: Response;
    try {
      response = await fetch(url, options);
    } catch (error) {
      if (error instanceof OutboundAddressRefusedError) throw error;
      throw new TransientTokenError(`token endpoint unreachable: ${(error as Error).message}`);
    }
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      throw new TransientTokenError(`token endpoint answered ${response.status}`);
    }
    return response;
  };
}

/** The service's OAuth 2 redirect URI, registered with every provider's app. */
export function callbackUrl(config: Pick<IntegrationContext['config'], 'PUBLIC_BASE_URL'>): string {
  return `${config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/api/v1/integrations/oauth/callback`;
}

/** An OAuth 2 provider, or 422 naming why the provider cannot be connected that way. */
export function requireOAuth2(provider: ProviderDefinition): OAuth2Provider {
  if (provider.auth.type !== 'oauth2') {
    throw new BusinessRuleViolation(
      'provider_not_oauth2',
      `${provider.name} connects with an API key: create the connection with its credentials`,
      { provider: provider.key },
    );
  }
  return provider as OAuth2Provider;
}

/**
 * The OAuth 2 client the platform presents to the provider, in the tenant's transaction:
 * OAUTH_CLIENTS for a built-in provider, the tenant's own for a custom one; 422 when there is none.
 */
export async function requireOAuthClient(
  ctx: Pick<IntegrationContext, 'config' | 'dataKeys'>,
  client: pg.ClientBase,
  tenantId: string,
  provider: OAuth2Provider,
): Promise<OAuthClient> {
  const app = await oauthClientOf(ctx, client, tenantId, provider.key);
  if (!app) {
    throw new BusinessRuleViolation(
      'oauth_app_not_configured',
      `The platform has no OAuth app registered with ${provider.name}`,
      { provider: provider.key },
    );
  }
  return app;
}

export function tokenEndpoint(
  ctx: Pick<IntegrationContext, 'outbound'>,
  provider: OAuth2Provider,
  app: OAuthClient,
): TokenEndpoint {
  const { tokenUrl, authorizationUrl, clientAuth } = provider.auth;
  return {
    // The definitions name no issuer: the authorization endpoint's origin stands in (oauth4webapi
    // needs one), and `iss` is not compared (callers drop it from the authorization response).
    as: {
      issuer: new URL(authorizationUrl).origin,
      token_endpoint: tokenUrl,
      ...(provider.auth.revocationUrl && { revocation_endpoint: provider.auth.revocationUrl }),
    },
    client: { client_id: app.clientId },
    clientAuth:
      clientAuth === 'client_secret_post'
        ? oauth.ClientSecretPost(app.clientSecret)
        : oauth.ClientSecretBasic(app.clientSecret),
    options: {
      [oauth.customFetch]: transientAware(outboundFetch(ctx.outbound, TOKEN_REQUEST_TIMEOUT_MS)),
      // Loopback and development providers speak plain HTTP; the definitions only allow http(s).
      [oauth.allowInsecureRequests]: new URL(tokenUrl).protocol === 'http:',
    },
  };
}

/**
 * The credentials a token response grants. A response without a refresh token (Google's refreshes)
 * keeps `previousRefreshToken`; one without a lifetime has none (refreshed only by `everyMs`).
 */
export function credentialsFrom(
  response: oauth.TokenEndpointResponse,
  now: Date,
  previousRefreshToken: string | null,
): OAuth2Credentials {
  return {
    type: 'oauth2',
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? previousRefreshToken,
    // oauth4webapi lowercases the type; `Bearer` is how RFC 6750 writes the header.
    tokenType: response.token_type === 'bearer' ? 'Bearer' : response.token_type,
    expiresAt: typeof response.expires_in === 'number' ? now.getTime() + response.expires_in * 1000 : null,
  };
}
