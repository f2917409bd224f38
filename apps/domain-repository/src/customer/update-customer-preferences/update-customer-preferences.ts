import { z } from 'zod';
import type { CustomerEvent, CustomerState } from '../customer.ts';
import { existingCustomer, type CustomerCommand } from '../customer-rules.ts';
import { CommunicationPreferences } from '../customer-values.ts';

export const updatePreferencesData = z.strictObject({ customerId: z.uuid(), preferences: CommunicationPreferences });
export type UpdatePreferences = CustomerCommand<'customer.update_preferences', z.output<typeof updatePreferencesData>>;

/** Replaces the communication preferences; the same ones again change nothing. */
export function updatePreferences(command: UpdatePreferences, state: CustomerState): CustomerEvent[] {
  const customer = existingCustomer(state, command);
  const { preferences } = command.data;
  const same = (Object.keys(preferences) as (keyof typeof preferences)[]).every(
    (k) => preferences[k] === customer.preferences[k],
  );
  return same ? [] : [{ type: 'customer.preferences_updated', data: { preferences } }];
}
