import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { NotFoundError, UnauthenticatedError } from '@bizosaas/ddd-kernel';
import { errorResponseSchema } from '@bizosaas/service-kit';
import { verifyTwilioSignature } from '../channels/twilio-signature.ts';
import type { Config } from '../config.ts';

/**
 * A Twilio webhook's form. Every parameter Twilio posts is signed, so all are taken as they come:
 * it adds parameters over time, and the signature covers those too.
 */
export const twilioForm = (description: string) => z.record(z.string(), z.string()).describe(description);

/** Twilio posts form-encoded parameters: parsed into name -> value, in the registering scope only. */
export function acceptTwilioForm(scope: FastifyInstance): void {
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, text, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(text))));
  });
}

const errorShape = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorResponseSchema } },
});

/** What assertSignedByTwilio refuses, for a Twilio route's responses. */
export const twilioWebhookErrors = {
  401: errorShape('UNAUTHENTICATED: X-Twilio-Signature is missing or wrong'),
  404: errorShape('NOT_FOUND: SMS is not configured (TWILIO_AUTH_TOKEN)'),
};

/**
 * Throws unless Twilio signed the request with TWILIO_AUTH_TOKEN: X-Twilio-Signature over the URL
 * Twilio requested (PUBLIC_BASE_URL, then the path and query exactly as received) and every posted
 * parameter. Without TWILIO_AUTH_TOKEN the route does not exist for Twilio (404).
 */
export function assertSignedByTwilio(
  config: Pick<Config, 'PUBLIC_BASE_URL' | 'TWILIO_AUTH_TOKEN'>,
  request: Pick<FastifyRequest, 'url' | 'headers'> & { body: Readonly<Record<string, string>> },
): void {
  const authToken = config.TWILIO_AUTH_TOKEN;
  if (authToken === undefined) throw new NotFoundError('SMS is not configured');
  const signature = request.headers['x-twilio-signature'];
  const signed = verifyTwilioSignature({
    authToken,
    url: config.PUBLIC_BASE_URL.replace(/\/+$/, '') + request.url,
    params: request.body,
    signature: typeof signature === 'string' ? signature : undefined,
  });
  if (!signed) throw new UnauthenticatedError('The Twilio signature is wrong');
}
