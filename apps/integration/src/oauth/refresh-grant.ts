import { ExponentialBackoff, handleType, retry } from 'cockatiel';
import * as oauth from 'oauth4webapi';
import { OutboundAddressRefusedError } from '@bizosaas/outbound-http';
import type { IntegrationContext } from '../context.ts';
import type { OAuthClient } from '../providers/oauth-client.ts';
import { tokenEndpoint, TransientTokenError, type OAuth2Provider } from './token-endpoint.ts';

/** Two more tries after the first, backing off from 250 ms (decorrelated jitter, at most 2 s). */
const transientRetry = retry(handleType(TransientTokenError), {
  maxAttempts: 2,
  backoff: new ExponentialBackoff({ initialDelay: 250, maxDelay: 2_000 }),
});

/** What a refresh request came to when it brought no tokens. */
export type RefreshFailure =
  /** RFC 6749 §5.2: the refresh token is invalid, expired or revoked; only the tenant can fix it. */
  | { kind: 'invalid_grant'; detail: string }
  /** Unreachable, 429/5xx after the retries, another error code or an answer that is not a token response. */
  | { kind: 'failed'; detail: string };

/** The refresh_token grant at the provider's token endpoint; transient failures are tried again. */
export async function refreshGrant(
  ctx: Pick<IntegrationContext, 'outbound'>,
  provider: OAuth2Provider,
  app: OAuthClient,
  refreshToken: string,
): Promise<{ kind: 'tokens'; tokens: oauth.TokenEndpointResponse } | RefreshFailure> {
  const { as, client, clientAuth, options } = tokenEndpoint(ctx, provider, app);
  try {
    return await transientRetry.execute(async () => {
      const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, options);
      return { kind: 'tokens', tokens: await oauth.processRefreshTokenResponse(as, client, response) } as const;
    });
  } catch (error) {
    return failureOf(error, [refreshToken]);
  }
}

function failureOf(error: unknown, secrets: readonly string[]): RefreshFailure {
  if (error instanceof oauth.ResponseBodyError) {
    // The provider's own words, minus any token it might echo back.
    const said = secrets.reduce(
      (text, secret) => text.replaceAll(secret, '[redacted]'),
      typeof error.error_description === 'string' ? error.error_description.slice(0, 300) : '',
    );
    const detail = `the provider answered ${error.error.slice(0, 100)} (HTTP ${error.status})${said ? `: ${said}` : ''}`;
    return error.error === 'invalid_grant' ? { kind: 'invalid_grant', detail } : { kind: 'failed', detail };
  }
  if (error instanceof TransientTokenError || error instanceof OutboundAddressRefusedError) {
    return { kind: 'failed', detail: error.message };
  }
  if (error instanceof oauth.OperationProcessingError) {
    return { kind: 'failed', detail: 'the answer of the token endpoint is not a token response' };
  }
  throw error;
}
