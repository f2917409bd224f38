import { z } from 'zod';
import type { CustomerEvent, CustomerState } from '../customer.ts';
import { existingCustomer, type CustomerCommand } from '../customer-rules.ts';
import { CustomerProfile } from '../customer-values.ts';

export const updateProfileData = z.strictObject({ customerId: z.uuid(), profile: CustomerProfile.schema });
export type UpdateProfile = CustomerCommand<'customer.update_profile', z.output<typeof updateProfileData>>;

/** Replaces the profile; the same profile again changes nothing. */
export function updateProfile(command: UpdateProfile, state: CustomerState): CustomerEvent[] {
  const customer = existingCustomer(state, command);
  const profile = CustomerProfile.create(command.data.profile, { path: 'profile' });
  if (CustomerProfile.equals(profile, customer.profile as never)) return [];
  return [{ type: 'customer.profile_updated', data: { profile: { ...profile } } }];
}
