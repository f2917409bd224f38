import type { z } from 'zod';
import type { FactInstants } from '@bizosaas/ddd-kernel';
import { uuidv7 } from '@bizosaas/event-schemas';
import { aggregateCommand, type CommandContext } from '../write-side/aggregate-command.ts';
import { assessChurnRiskData } from './assess-churn-risk/assess-churn-risk.ts';
import { createCustomerData } from './create-customer/create-customer.ts';
import { customerAggregate, type CustomerCommandUnion } from './customer-decider.ts';
import { customerView } from './customer-view.ts';
import { recordPurchaseData } from './record-purchase/record-purchase.ts';
import { updatePreferencesData, updateProfileData } from './update-profile/update-profile.ts';

function simple<const T extends Exclude<CustomerCommandUnion['type'], 'customer.create'>, S extends z.ZodObject>(
  ctx: CommandContext,
  type: T,
  schema: S,
  facts?: (data: z.output<S>) => FactInstants,
) {
  return aggregateCommand(ctx, {
    type, schema, aggregate: customerAggregate,
    toCommand: (data, metadata) => ({
      aggregateId: (data as { customerId: string }).customerId,
      command: { type, data, metadata } as unknown as CustomerCommandUnion,
    }),
    view: (run, id) => customerView(run.state, id, run.version),
    ...(facts && { facts }),
  });
}

export function customerCommands(ctx: CommandContext) {
  return [
    aggregateCommand(ctx, {
      type: 'customer.create', schema: createCustomerData.omit({ customerId: true, conversion: true }), aggregate: customerAggregate,
      toCommand: (data, metadata) => {
        const customerId = uuidv7();
        return { aggregateId: customerId, command: { type: 'customer.create', data: { ...data, customerId, conversion: null }, metadata } as CustomerCommandUnion };
      },
      view: (run, id) => customerView(run.state, id, run.version),
      createsAggregate: true,
    }),
    simple(ctx, 'customer.update_profile', updateProfileData),
    simple(ctx, 'customer.update_preferences', updatePreferencesData),
    simple(ctx, 'customer.record_purchase', recordPurchaseData, (data) => ({ purchasedAt: data.purchasedAt })),
    simple(ctx, 'customer.assess_churn_risk', assessChurnRiskData),
  ] as const;
}
