import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { errorResponseSchema } from '@bizosaas/service-kit';
import type { FeatureModule } from '../context.ts';
import { createProviderCaller, type ProviderCallOptions } from './call-provider.ts';
import { createConnectionLimits } from './connection-limits.ts';
import type { ProviderBreakers } from './provider-breakers.ts';
import { proxyRequestBody } from './proxy-request.ts';
import { proxyResponse } from './proxy-response.ts';

export interface ProxyFeatureOptions extends Partial<ProviderCallOptions> {
  /** The breakers /ready reports on (proxyReadiness of the same object). */
  breakers: ProviderBreakers;
}

const DEFAULTS: ProviderCallOptions = {
  maxResponseBytes: 5 * 1024 * 1024,
  timeoutMs: 30_000,
  maxCooldownMs: 3_600_000,
};

/**
 * POST /api/v1/integrations/connections/:id/proxy (integrations:manage): a call to the
 * connection's provider with its credentials injected.
 */
export function proxyFeature(options: ProxyFeatureOptions): FeatureModule {
  const { breakers, ...callOptions } = options;
  return (app, ctx) => {
    const callProvider = createProviderCaller(ctx, breakers, createConnectionLimits(ctx.redis), {
      ...DEFAULTS,
      ...callOptions,
    });
    app.post(
      '/api/v1/integrations/connections/:id/proxy',
      {
        onRequest: requirePermission('integrations:manage'),
        schema: {
          operationId: 'proxyProviderRequest',
          tags: ['proxy'],
          summary: "Call the connection's provider with its credentials injected (never returned)",
          description:
            "The path is relative to the provider's base URL. RATE_LIMITED (429, Retry-After) when the connection's bucket is empty or the provider asked to wait; SERVICE_UNAVAILABLE (503) while the provider's circuit breaker is open or it did not answer; 422 when the connection needs reconnecting.",
          params: z.strictObject({ id: z.uuid() }),
          body: proxyRequestBody,
          response: {
            200: proxyResponse,
            422: errorResponseSchema,
            429: errorResponseSchema,
            503: errorResponseSchema,
          },
        },
      },
      async (request) => callProvider(requirePrincipal(request).tenantId, request.params.id, request.body),
    );
  };
}
