import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Agent, request } from 'undici';
import { z } from 'zod';
import { runCheck } from '@bizosaas/service-kit';
import type { Upstreams } from './config.ts';

const serviceStatus = z.object({
  status: z.enum(['up', 'down']),
  url: z.string(),
  latencyMs: z.number(),
  error: z.string().optional(),
});

/**
 * `/health` at the gateway: its own liveness (always 200 while it runs, so an orchestrator never
 * restarts the gateway because a service is down) plus every service's readiness.
 */
export function registerAggregatedHealth(
  app: FastifyInstance,
  upstreams: Upstreams,
  timeoutMs: number,
  selfUrl: string,
): void {
  const agent = new Agent({ connections: 2, keepAliveTimeout: 30_000 });
  app.addHook('onClose', async () => agent.close());

  const probe = async (baseUrl: string) => {
    const res = await request(`${baseUrl}/ready`, { dispatcher: agent, headersTimeout: timeoutMs });
    await res.body.dump();
    if (res.statusCode !== 200) throw new Error(`/ready answered ${res.statusCode}`);
  };

  app.withTypeProvider<ZodTypeProvider>().get('/health', {
    schema: {
      tags: ['ops'],
      summary: 'Gateway liveness and the readiness of every service',
      response: {
        200: z.object({
          status: z.enum(['ok', 'degraded']),
          service: z.literal('api-gateway'),
          services: z.record(z.string(), serviceStatus),
        }),
      },
    },
    handler: async () => {
      const names = Object.keys(upstreams) as (keyof Upstreams)[];
      const results = await Promise.all(names.map((name) => runCheck(() => probe(upstreams[name]), timeoutMs)));
      const services = {
        // The gateway answering this request is itself up; listed so the map covers all nine.
        'api-gateway': { status: 'up' as const, url: selfUrl, latencyMs: 0 },
        ...Object.fromEntries(names.map((name, i) => [name, { ...results[i]!, url: upstreams[name] }])),
      };
      const status = results.every((r) => r.status === 'up') ? ('ok' as const) : ('degraded' as const);
      return { status, service: 'api-gateway' as const, services };
    },
  });
}
