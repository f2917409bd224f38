import { z } from 'zod';
import { requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import type { FeatureModule } from '../context.ts';
import { customProviderRoutes } from './custom-providers.routes.ts';
import { builtInProviders } from './find-provider.ts';
import { listCustomProviders } from './custom-provider-store.ts';
import { builtInProviderView, listedProviderView, providerView } from './provider-view.ts';

const providerList = z.object({ items: z.array(providerView) });

/**
 * The providers a tenant can connect: built-in ones (with PROVIDER_OVERRIDES applied) then the
 * tenant's own, as data. Any signed-in user of the tenant may read them: they hold no secret, and
 * what can be connected is what every user's screens show. Managing custom providers needs
 * integrations:manage.
 */
export const providersFeature: FeatureModule = (app, ctx) => {
  app.get(
    '/api/v1/integrations/providers',
    {
      schema: {
        operationId: 'listIntegrationProviders',
        tags: ['providers'],
        summary: "Providers a tenant can connect: the built-in ones and the tenant's own",
        response: { 200: providerList },
      },
    },
    async (request) => {
      const { tenantId } = requirePrincipal(request);
      const custom = await withTransaction(ctx.pool, listCustomProviders, { tenantId });
      const builtIn = builtInProviders(ctx.config.PROVIDER_OVERRIDES).map((provider) =>
        builtInProviderView(provider, ctx.config.OAUTH_CLIENTS[provider.key] !== undefined),
      );
      return { items: [...builtIn, ...custom.map(listedProviderView)] };
    },
  );
  customProviderRoutes(app, ctx);
};
