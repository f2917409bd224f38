import type { FeatureModule } from './context.ts';

/** Every feature of the service, in registration order. */
export const features: readonly FeatureModule[] = [];
