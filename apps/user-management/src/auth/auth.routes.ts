import { z } from 'zod';
import { errorResponseSchema, type ServiceApp } from '@bizosaas/service-kit';
import type { IdentityContext } from '../context.ts';
import { revokeSessions } from '../sessions/session-store.ts';
import { withTenant } from '@bizosaas/db';
import { acceptInvitation } from '../users/accept-invitation.ts';
import { exchangeApiKey } from '../api-keys/exchange-api-key.ts';
import {
  acceptInvitationBody,
  acceptInvitationResponse,
  apiKeyTokenBody,
  apiKeyTokenResponse,
  loginBody,
  refreshBody,
  registerBody,
  registerResponse,
  tokenPairSchema,
} from './auth.schemas.ts';
import { requestMeta, requireUserCaller } from './caller.ts';
import { login } from './login.ts';
import { refresh } from './refresh.ts';
import { register } from './register.ts';

const tags = ['auth'];

/** Sign-up, sign-in, token refresh, sign-out, invitation acceptance and the API-key exchange. */
export function authRoutes(app: ServiceApp, ctx: IdentityContext): void {
  app.post(
    '/api/v1/auth/register',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Create a tenant and its owner, signed in',
        body: registerBody,
        response: { 201: registerResponse },
      },
    },
    async (request, reply) => reply.code(201).send(await register(ctx, request.body, requestMeta(request))),
  );

  app.post(
    '/api/v1/auth/login',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Sign in with e-mail and password',
        body: loginBody,
        response: {
          200: tokenPairSchema,
          401: errorResponseSchema,
          409: errorResponseSchema,
          429: errorResponseSchema,
        },
      },
    },
    async (request) => login(ctx, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/auth/refresh',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Rotate a refresh token',
        body: refreshBody,
        response: { 200: tokenPairSchema, 401: errorResponseSchema },
      },
    },
    async (request) => refresh(ctx, request.body.refreshToken),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      schema: {
        tags,
        summary: "Revoke the caller's session",
        response: { 204: z.null().describe('No content'), 403: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const { principal, sessionId } = requireUserCaller(request);
      await withTenant(ctx.prisma, principal.tenantId, (tx) =>
        revokeSessions(tx, { id: sessionId, userId: principal.userId }, 'logout', ctx.now()),
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/accept-invitation',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Set a password for an invited user and sign in',
        body: acceptInvitationBody,
        response: { 200: acceptInvitationResponse, 401: errorResponseSchema },
      },
    },
    async (request) => acceptInvitation(ctx, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/auth/token',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Exchange an API key for a short access token',
        body: apiKeyTokenBody,
        response: { 200: apiKeyTokenResponse, 401: errorResponseSchema },
      },
    },
    async (request) => exchangeApiKey(ctx, request.body.apiKey),
  );
}
