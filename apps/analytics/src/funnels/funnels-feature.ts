import type { FeatureModule } from '../context.ts';
import { funnelQueryFeature } from './funnel-query.routes.ts';
import { savedFunnelsFeature } from './saved-funnels.routes.ts';

/** Every funnel route: ad hoc queries (POST /funnels/query) and saved funnels. */
export const funnelsFeature: FeatureModule = (app, ctx) => {
  funnelQueryFeature(app, ctx);
  savedFunnelsFeature(app, ctx);
};
