import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponseSchema } from './error-response.ts';

/**
 * A readiness check resolves when its component is usable and throws (or times out) when not.
 * Resolving to a ComponentReport, or throwing a ComponentDownError, adds its details (lag,
 * backlog) to the component in the `/ready` body.
 */
export type ReadinessCheck = () => Promise<unknown>;

/** What a check may resolve to: statistics shown with the component. */
export interface ComponentReport {
  details: Record<string, unknown>;
}

/** A component that answers but is not usable (e.g. a paused consumer), with its statistics. */
export class ComponentDownError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ComponentDownError';
  }
}

const componentSchema = z.object({
  status: z.enum(['up', 'down']),
  latencyMs: z.number(),
  error: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
type Component = z.infer<typeof componentSchema>;

const detailsOf = (value: unknown): Pick<Component, 'details'> =>
  typeof value === 'object' &&
  value !== null &&
  'details' in value &&
  typeof value.details === 'object' &&
  value.details !== null
    ? { details: value.details as Record<string, unknown> }
    : {};

export async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<Component> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const value = await Promise.race([check(), timeout]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started), ...detailsOf(value) };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return {
      status: 'down',
      latencyMs: Math.round(performance.now() - started),
      error,
      ...(err instanceof ComponentDownError ? { details: err.details } : {}),
    };
  } finally {
    clearTimeout(timer);
  }
}

export interface ProbeOptions {
  service: string;
  version: string;
  readiness: Record<string, ReadinessCheck>;
  readinessTimeoutMs: number;
  healthRoute: boolean;
}

/** `/health` says the process is alive; `/ready` says every dependency answers (503 naming the ones that don't). */
export function registerProbes(app: FastifyInstance, options: ProbeOptions): void {
  const startedAt = Date.now();
  const routes = app.withTypeProvider<ZodTypeProvider>();

  if (options.healthRoute)
    routes.get('/health', {
      schema: {
        tags: ['ops'],
        summary: 'Liveness',
        response: {
          200: z.object({
            status: z.literal('ok'),
            service: z.string(),
            version: z.string(),
            uptimeSeconds: z.number(),
          }),
        },
      },
      handler: async () => ({
        status: 'ok' as const,
        service: options.service,
        version: options.version,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      }),
    });

  routes.get('/ready', {
    schema: {
      tags: ['ops'],
      summary: 'Readiness: every dependency reachable, with latency and statistics per component',
      response: {
        200: z.object({
          status: z.literal('ready'),
          service: z.string(),
          components: z.record(z.string(), componentSchema),
        }),
        503: errorResponseSchema,
      },
    },
    handler: async (_request, reply) => {
      const names = Object.keys(options.readiness);
      const results = await Promise.all(
        names.map((name) => runCheck(options.readiness[name]!, options.readinessTimeoutMs)),
      );
      const components = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
      const down = names.filter((name) => components[name]!.status === 'down');
      if (down.length === 0) return { status: 'ready' as const, service: options.service, components };
      return reply.status(503).send({
        error: 'NOT_READY',
        message: `Not ready: ${down.join(', ')} unavailable`,
        details: { down, components },
      });
    },
  });
}
