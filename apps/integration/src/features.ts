import type { FeatureModule } from './context.ts';

/** Every feature of the service, in registration order. */
export function features(): readonly FeatureModule[] {
  return [];
}
