import type { Decider } from '@bizosaas/ddd-kernel';
import type { Aggregate } from '../write-side/run-aggregate.ts';
import { assessChurnRisk, type AssessChurnRisk } from './assess-churn-risk/assess-churn-risk.ts';
import { createCustomer, type CreateCustomer } from './create-customer/create-customer.ts';
import { evolveCustomer, initialCustomerState, type CustomerEvent, type CustomerState } from './customer.ts';
import { recordPurchase, type RecordPurchase } from './record-purchase/record-purchase.ts';
import { updatePreferences, updateProfile, type UpdatePreferences, type UpdateProfile } from './update-profile/update-profile.ts';

export type CustomerCommandUnion = CreateCustomer | UpdateProfile | UpdatePreferences | RecordPurchase | AssessChurnRisk;

function decide(command: CustomerCommandUnion, state: CustomerState): CustomerEvent[] {
  switch (command.type) {
    case 'customer.create': return createCustomer(command, state);
    case 'customer.update_profile': return updateProfile(command, state);
    case 'customer.update_preferences': return updatePreferences(command, state);
    case 'customer.record_purchase': return recordPurchase(command, state);
    case 'customer.assess_churn_risk': return assessChurnRisk(command, state);
  }
}

export const customerDecider: Decider<CustomerCommandUnion, CustomerState, CustomerEvent> = {
  initialState: initialCustomerState,
  decide,
  evolve: evolveCustomer,
};

export const customerAggregate: Aggregate<CustomerCommandUnion, CustomerState, CustomerEvent> = {
  aggregateType: 'customer',
  decider: customerDecider,
  snapshotSchemaVersion: 1,
};
