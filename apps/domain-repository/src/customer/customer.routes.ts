import type { ServiceApp } from '@bizosaas/service-kit';
import type { RoutesContext } from '../write-side/routes-context.ts';
import { assessChurnRiskRoute } from './assess-churn-risk/assess-churn-risk.route.ts';
import { createCustomerRoute } from './create-customer/create-customer.route.ts';
import { atRiskCustomersRoute } from './customer-list/at-risk-customers.route.ts';
import { getCustomerRoute } from './get-customer/get-customer.route.ts';
import { recordPurchaseRoute } from './record-purchase/record-purchase.route.ts';
import { updateCustomerPreferencesRoute } from './update-customer-preferences/update-customer-preferences.route.ts';
import { updateCustomerProfileRoute } from './update-customer-profile/update-customer-profile.route.ts';

/** Every customer slice's route, in the order the OpenAPI page lists them. */
export const customerRoutes = [
  createCustomerRoute,
  updateCustomerProfileRoute,
  updateCustomerPreferencesRoute,
  recordPurchaseRoute,
  assessChurnRiskRoute,
  atRiskCustomersRoute,
  getCustomerRoute,
] as const satisfies readonly ((app: ServiceApp, ctx: RoutesContext) => void)[];
