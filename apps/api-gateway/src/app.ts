import { createService, type ServiceApp } from '@bizosaas/service-kit';
import { upstreamsFrom, type Config } from './config.ts';
import { registerAggregatedHealth } from './health.ts';
import { registerProxy } from './proxy.ts';
import { routeTable, type Route } from './route-table.ts';

export interface GatewayDeps {
  config: Config;
  table?: readonly Route[];
}

export async function buildApp({ config, table = routeTable }: GatewayDeps): Promise<ServiceApp> {
  const upstreams = upstreamsFrom(config);
  const app = await createService({
    name: 'api-gateway',
    description: 'The only public entry: routes /api/v1 to the services by a route table.',
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT_BYTES,
    healthRoute: false,
    docsUrls: Object.keys(upstreams).map((name) => ({ name, url: `/docs/services/${name}/json` })),
  });
  registerAggregatedHealth(app, upstreams, config.HEALTH_TIMEOUT_MS, `http://127.0.0.1:${config.PORT}`);
  await registerProxy(app, {
    table,
    upstreams,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    connections: config.UPSTREAM_CONNECTIONS,
  });
  return app;
}
