import { z } from 'zod';
import { PERMISSIONS } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import type { IdentityContext } from '../context.ts';
import { SERVICE_CLIENT_SCHEME, errorResponse, withBasicAuthScheme } from './basic-auth-openapi.ts';
import { requireServiceClient, serviceClientOf } from './client-authentication.ts';
import { issueServiceToken } from './issue-service-token.ts';
import type { ServiceClient } from './service-clients-config.ts';

const body = z.strictObject({
  tenantId: z.uuid(),
  permissions: z.array(z.enum(PERMISSIONS)).min(1).max(PERMISSIONS.length),
});

const tokenResponse = z.object({
  accessToken: z.string(),
  expiresIn: z.number().int().describe('access token lifetime, seconds'),
  tokenType: z.literal('Bearer'),
});

/**
 * The client-credentials grant of platform services (not forwarded by the gateway): a service
 * acting for a tenant without a user gets a short token of that tenant.
 */
export function serviceTokensRoute(
  app: ServiceApp,
  ctx: IdentityContext,
  clients: ReadonlyMap<string, ServiceClient>,
): void {
  app.post(
    '/api/v1/auth/service-tokens',
    {
      config: { auth: 'public', swaggerTransform: withBasicAuthScheme },
      onRequest: requireServiceClient(clients),
      schema: {
        tags: ['auth'],
        operationId: 'postAuthServiceTokens',
        summary: 'Issue a tenant token to a platform service',
        description:
          'Client credentials of a platform service (HTTP Basic, SERVICE_CLIENTS) for a short access token of the tenant with role `service` and exactly the asked permissions, each one the client is allowed. Internal: the gateway does not forward it.',
        security: [{ [SERVICE_CLIENT_SCHEME]: [] }],
        body,
        response: {
          200: tokenResponse,
          400: errorResponse('VALIDATION_ERROR: details.issues names every bad or unknown field'),
          401: errorResponse('UNAUTHENTICATED (invalid_client): unknown client or wrong secret'),
          403: errorResponse('FORBIDDEN: details.refused lists the permissions the client may not ask for'),
          404: errorResponse('NOT_FOUND: no such tenant'),
          413: errorResponse("PAYLOAD_TOO_LARGE: the body is over the service's limit"),
          415: errorResponse('UNSUPPORTED_MEDIA_TYPE: the body is not application/json'),
        },
      },
    },
    async (request) => {
      const client = serviceClientOf(request);
      const answer = await issueServiceToken(ctx, client, request.body);
      // Who obtained which tenant's token: the audit trail of service access (never the secret).
      request.log.info(
        { clientId: client.id, tenantId: request.body.tenantId, permissions: request.body.permissions },
        'service token issued',
      );
      return answer;
    },
  );
}
