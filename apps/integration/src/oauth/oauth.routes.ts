import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { errorResponseSchema, runPeriodically, type PeriodicJob } from '@bizosaas/service-kit';
import type { FeatureModule, IntegrationContext } from '../context.ts';
import { connectedPage, PAGE_HEADERS, returnUrl } from './callback-page.ts';
import { connectSessionBody, connectSessionView, reconnectBody, startConnectSession } from './connect-session.ts';
import { callbackQuery, completeAuthorization, knownCallbackParameters } from './oauth-callback.ts';
import { refreshDueConnections } from './refresher.ts';
import { createStateSigner } from './state-signer.ts';

export interface OAuthFeatureOptions {
  /** Time between the ends of two refresher cycles (default 60 s). */
  refreshIntervalMs?: number;
  /** Run the background refresher on this instance (default true). */
  refresher?: boolean;
}

const tags = ['connections'];
const idParams = z.strictObject({ id: z.uuid() });
const errorShape = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorResponseSchema } },
});
const sessionErrors = {
  404: errorShape('NOT_FOUND: the provider or the connection'),
  422: errorShape(
    'BUSINESS_RULE_VIOLATION: provider_not_oauth2, oauth_app_not_configured, connection_not_oauth2 (an API-key connection: PUT new credentials), provider_mismatch',
  ),
};

/**
 * OAuth 2 connections: connect sessions (authorization code with PKCE and a signed, single-use,
 * 10-minute state), the public callback that stores the grant, reconnects, and the background
 * refresher that keeps every grant fresh (ahead of expiry, at least daily) or marks it needs_reauth.
 */
export function oauthFeature(options: OAuthFeatureOptions = {}): FeatureModule {
  return (app, ctx) => {
    const signer = createStateSigner(ctx.config.INTEGRATION_MASTER_KEYS, ctx.config.INTEGRATION_ACTIVE_MASTER_KEY_ID);

    app.post(
      '/api/v1/integrations/connect-sessions',
      {
        onRequest: requirePermission('integrations:manage'),
        schema: {
          operationId: 'createConnectSession',
          tags,
          summary: "Start connecting a provider account: answers the provider's authorization URL",
          description:
            "OAuth 2 authorization code with PKCE (S256). The state is signed, single use and valid 10 minutes; the provider redirects the browser to GET /api/v1/integrations/oauth/callback. With connectionId, the new grant replaces that connection's credentials.",
          body: connectSessionBody,
          response: { 201: connectSessionView, ...sessionErrors },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = requirePrincipal(request);
        return reply.code(201).send(await startConnectSession(ctx, signer, { tenantId, userId, ...request.body }));
      },
    );

    app.post(
      '/api/v1/integrations/connections/:id/reconnect',
      {
        onRequest: requirePermission('integrations:manage'),
        schema: {
          operationId: 'reconnectConnection',
          tags,
          summary: 'Start a new grant for an OAuth 2 connection (e.g. in needs_reauth)',
          description:
            'Answers a connect session; the callback replaces the credentials and makes the connection active.',
          params: idParams,
          body: reconnectBody.nullish(),
          response: { 201: connectSessionView, ...sessionErrors },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = requirePrincipal(request);
        const input = { tenantId, userId, connectionId: request.params.id, ...request.body };
        return reply.code(201).send(await startConnectSession(ctx, signer, input));
      },
    );

    app.get(
      '/api/v1/integrations/oauth/callback',
      {
        config: { auth: 'public' },
        preValidation: async (request) => {
          request.query = knownCallbackParameters(request.query);
        },
        schema: {
          operationId: 'completeOAuthAuthorization',
          tags,
          summary: "The provider's redirect after the user's consent: stores the connection",
          description:
            'Public: the signed state is the credential. Answers a page saying connected, or 303 to the redirectUri of the connect session. A refused state (missing, not signed here, expired, used) or a provider error answers 400 and stores nothing.',
          querystring: callbackQuery,
          response: {
            200: { description: 'Connected', content: { 'text/html': { schema: z.string() } } },
            303: {
              description: "To the connect session's redirectUri with connectionId and status=connected",
              content: { 'text/plain': { schema: z.string() } },
            },
            503: errorShape('SERVICE_UNAVAILABLE: the token endpoint did not answer properly'),
          },
        },
      },
      async (request, reply) => {
        const done = await completeAuthorization(ctx, signer, request.query);
        request.log.info({ connectionId: done.connectionId, provider: done.provider.key }, 'oauth connection stored');
        if (done.returnTo) {
          return reply
            .header('referrer-policy', 'no-referrer')
            .redirect(returnUrl(done.returnTo, done.connectionId), 303);
        }
        return reply.headers(PAGE_HEADERS).send(connectedPage(done.provider.name, done.reconnected));
      },
    );

    if (options.refresher !== false) backgroundRefresher(app, ctx, options.refreshIntervalMs ?? 60_000);
  };
}

function backgroundRefresher(app: Parameters<FeatureModule>[0], ctx: IntegrationContext, intervalMs: number): void {
  const log: FastifyBaseLogger = app.log.child({ worker: 'token-refresher' });
  let job: PeriodicJob | undefined;
  app.addHook('onReady', async () => {
    job = runPeriodically(
      async () => {
        const cycle = await refreshDueConnections(ctx, log);
        if (cycle.due > 0) log.info(cycle, 'token refresh cycle');
      },
      { intervalMs, onError: (error) => log.error({ err: error }, 'token refresh cycle failed') },
    );
  });
  app.addHook('preClose', async () => job?.stop());
}
