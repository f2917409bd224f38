import { z } from 'zod';
import { SUBSCRIPTION_PLANS } from '@bizosaas/auth';

export const BILLING_CYCLES = ['monthly', 'annual'] as const;

export const tenantView = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  plan: z.enum(SUBSCRIPTION_PLANS),
  billingCycle: z.enum(BILLING_CYCLES),
  settings: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type TenantView = z.infer<typeof tenantView>;

interface TenantRow {
  tenantId: string;
  name: string;
  slug: string;
  plan: string;
  billingCycle: string;
  settings: unknown;
  createdAt: Date;
  updatedAt: Date;
}

export function toTenantView(row: TenantRow): TenantView {
  return {
    id: row.tenantId,
    name: row.name,
    slug: row.slug,
    plan: row.plan as TenantView['plan'],
    billingCycle: row.billingCycle as TenantView['billingCycle'],
    settings: (row.settings ?? {}) as Record<string, unknown>,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
