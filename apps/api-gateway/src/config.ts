import { z } from 'zod';
import { baseServiceEnv, port, url } from '@bizosaas/config';

const upstream = (defaultPort: number) => url(['http', 'https']).default(`http://127.0.0.1:${defaultPort}`);

export const configSchema = z.object({
  PORT: port(8080),
  ...baseServiceEnv,
  AI_AGENTS_URL: upstream(8000),
  USER_MANAGEMENT_URL: upstream(8001),
  CAMPAIGN_URL: upstream(8002),
  ANALYTICS_URL: upstream(8003),
  INTEGRATION_URL: upstream(8004),
  NOTIFICATION_URL: upstream(8005),
  EVENT_BUS_URL: upstream(8009),
  DOMAIN_REPOSITORY_URL: upstream(8011),
  /** Default per-request upstream timeout; a route table entry may set its own. */
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** How long /health waits for each service's /ready. */
  HEALTH_TIMEOUT_MS: z.coerce.number().int().positive().default(1_500),
  UPSTREAM_CONNECTIONS: z.coerce.number().int().positive().default(128),
});

export type Config = z.infer<typeof configSchema>;

/** Service name -> base URL, from the configuration. */
export function upstreamsFrom(config: Config) {
  return {
    'ai-agents': config.AI_AGENTS_URL,
    'user-management': config.USER_MANAGEMENT_URL,
    campaign: config.CAMPAIGN_URL,
    analytics: config.ANALYTICS_URL,
    integration: config.INTEGRATION_URL,
    notification: config.NOTIFICATION_URL,
    'event-bus': config.EVENT_BUS_URL,
    'domain-repository': config.DOMAIN_REPOSITORY_URL,
  } as const;
}

export type Upstreams = Record<ServiceName, string>;
export type ServiceName = keyof ReturnType<typeof upstreamsFrom>;
