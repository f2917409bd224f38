import type { Decider } from '@bizosaas/ddd-kernel';
import { assessChurnRisk, type AssessChurnRisk } from './assess-churn-risk/assess-churn-risk.ts';
import { createCustomer, type CreateCustomer } from './create-customer/create-customer.ts';
import { evolveCustomer, initialCustomerState, type CustomerEvent, type CustomerState } from './customer.ts';
import { recordPurchase, type RecordPurchase } from './record-purchase/record-purchase.ts';
import {
  updatePreferences,
  type UpdatePreferences,
} from './update-customer-preferences/update-customer-preferences.ts';
import { updateProfile, type UpdateProfile } from './update-customer-profile/update-customer-profile.ts';

export type CustomerCommandUnion =
  CreateCustomer | UpdateProfile | UpdatePreferences | RecordPurchase | AssessChurnRisk;

function decide(command: CustomerCommandUnion, state: CustomerState): CustomerEvent[] {
  switch (command.type) {
    case 'customer.create':
      return createCustomer(command, state);
    case 'customer.update_profile':
      return updateProfile(command, state);
    case 'customer.update_preferences':
      return updatePreferences(command, state);
    case 'customer.record_purchase':
      return recordPurchase(command, state);
    case 'customer.assess_churn_risk':
      return assessChurnRisk(command, state);
  }
}

/** Every customer command by type: for callers that pick a command at run time (CRM ingestion, tests). */
export const customerDecider: Decider<CustomerCommandUnion, CustomerState, CustomerEvent> = {
  initialState: initialCustomerState,
  decide,
  evolve: evolveCustomer,
};
