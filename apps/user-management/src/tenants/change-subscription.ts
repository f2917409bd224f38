import type { Principal, SubscriptionPlan } from '@bizosaas/auth';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import { withTenant } from '@bizosaas/db';
import { createEvent } from '@bizosaas/event-schemas';
import { actorOf } from '../auth/caller.ts';
import type { IdentityContext } from '../context.ts';
import { recordEvents } from '../events/record-events.ts';
import { toTenantView, type TenantView } from './tenant-view.ts';

export interface SubscriptionResult {
  tenant: TenantView;
  price: string;
  currency: string;
}

/**
 * Moves the tenant to a plan and billing cycle at the list price of the plan_prices table
 * (decimal string, never a float) and emits tenant.subscription_changed. Choosing the current
 * plan and cycle again changes nothing and emits nothing.
 */
export async function changeSubscription(
  ctx: IdentityContext,
  caller: Principal,
  input: { plan: SubscriptionPlan; billingCycle: 'monthly' | 'annual' },
  correlationId: string,
): Promise<SubscriptionResult> {
  const result = await withTenant(ctx.prisma, caller.tenantId, async (tx) => {
    const [current] = await tx.$queryRaw<{ plan: string; billing_cycle: string }[]>`
      SELECT plan, billing_cycle FROM tenants WHERE tenant_id = ${caller.tenantId}::uuid FOR UPDATE`;
    if (current === undefined) throw new NotFoundError('Tenant not found');
    const price = await tx.planPrice.findUnique({
      where: { plan_billingCycle: { plan: input.plan, billingCycle: input.billingCycle } },
    });
    if (price === null) throw new NotFoundError('No price for this plan and billing cycle', input);
    const amount = price.price.toFixed(2);
    if (current.plan === input.plan && current.billing_cycle === input.billingCycle) {
      return {
        tenant: await tx.tenant.findUniqueOrThrow({ where: { tenantId: caller.tenantId } }),
        price: amount,
        currency: price.currency,
      };
    }
    const now = ctx.now();
    const tenant = await tx.tenant.update({
      where: { tenantId: caller.tenantId },
      data: { plan: input.plan, billingCycle: input.billingCycle, version: { increment: 1 }, updatedAt: now },
    });
    await recordEvents(tx, [
      createEvent({
        type: 'tenant.subscription_changed',
        tenantId: caller.tenantId,
        actor: actorOf(caller),
        correlationId,
        aggregateId: caller.tenantId,
        aggregateVersion: tenant.version,
        data: {
          previousPlan: current.plan as SubscriptionPlan,
          newPlan: input.plan,
          billingCycle: input.billingCycle,
          price: amount,
          currency: price.currency,
          effectiveFrom: now.toISOString(),
        },
      }),
    ]);
    return { tenant, price: amount, currency: price.currency };
  });
  ctx.notifier.notify();
  return { ...result, tenant: toTenantView(result.tenant) };
}
