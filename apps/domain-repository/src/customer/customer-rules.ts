import { TenantIsolationError, type Command } from '@bizosaas/ddd-kernel';
import type { Customer, CustomerState } from './customer.ts';

export type CustomerCommand<T extends string, D> = Command<T, D & { readonly customerId: string }>;

/** Missing and another tenant's customer look the same: 404 TENANT_ISOLATION_VIOLATION. */
export function existingCustomer(state: CustomerState, command: CustomerCommand<string, object>): Customer {
  if (state.status === 'none') throw new TenantIsolationError(command.metadata.tenantId ?? '');
  return state;
}
