import { randomUUID } from 'node:crypto';
import { createEvent } from '@bizosaas/event-schemas';
import { withTenant } from '@bizosaas/db';
import type { IdentityContext, RequestMeta } from '../context.ts';
import { recordEvents } from '../events/record-events.ts';
import { hashPassword } from '../passwords/password-hash.ts';
import { assertPasswordPolicy } from '../passwords/password-policy.ts';
import { openSession, tokenPair, type TokenPair, type Tx } from '../sessions/session-store.ts';
import { slugOf, suffixedSlug } from '../tenants/slug.ts';
import { toTenantView, type TenantView } from '../tenants/tenant-view.ts';
import { toUserView, type UserView } from '../users/user-view.ts';

export interface RegisterInput {
  tenantName: string;
  email: string;
  password: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
}

/** A new tenant on the free plan with its owner, signed in; tenant.created and user.created go out with the commit. */
export async function register(
  ctx: IdentityContext,
  input: RegisterInput,
  meta: RequestMeta,
): Promise<{ tenant: TenantView; user: UserView } & TokenPair> {
  const email = input.email.toLowerCase();
  assertPasswordPolicy(input.password, email);
  const tenantId = randomUUID();
  const userId = randomUUID();
  const passwordHash = await hashPassword(input.password);
  const now = ctx.now();
  const created = await withTenant(ctx.prisma, tenantId, async (tx) => {
    const slug = await insertTenant(tx, tenantId, input.tenantName.trim(), now);
    const user = await tx.user.create({
      data: {
        id: userId,
        tenantId,
        email,
        passwordHash,
        role: 'owner',
        status: 'active',
        firstName: input.firstName ?? null,
        lastName: input.lastName ?? null,
        createdAt: now,
        updatedAt: now,
      },
    });
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { tenantId } });
    const common = { tenantId, actor: { type: 'user' as const, id: userId }, correlationId: meta.correlationId };
    await recordEvents(tx, [
      createEvent({
        ...common,
        type: 'tenant.created',
        aggregateId: tenantId,
        aggregateVersion: 1,
        data: { name: tenant.name, slug, plan: 'free', ownerUserId: userId, ownerEmail: email },
      }),
      createEvent({
        ...common,
        type: 'user.created',
        aggregateId: userId,
        aggregateVersion: 1,
        data: { email, firstName: user.firstName, lastName: user.lastName, roles: ['owner'], status: 'active' },
      }),
    ]);
    const session = await openSession(tx, ctx, { tenantId, userId, meta });
    return { tenant, user, session };
  });
  ctx.notifier.notify();
  const tokens = await tokenPair(ctx, {
    userId,
    tenantId,
    role: 'owner',
    plan: created.tenant.plan,
    sessionId: created.session.sessionId,
    refreshToken: created.session.refreshToken,
  });
  return { tenant: toTenantView(created.tenant), user: toUserView(created.user), ...tokens };
}

/** Slugs are unique across tenants; a taken one gets a random suffix (ON CONFLICT keeps the transaction alive). */
async function insertTenant(tx: Tx, tenantId: string, name: string, now: Date): Promise<string> {
  const base = slugOf(name);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const slug = attempt === 0 ? base : suffixedSlug(base);
    const inserted = await tx.$executeRaw`
      INSERT INTO tenants (tenant_id, name, slug, created_at, updated_at) VALUES (${tenantId}::uuid, ${name}, ${slug}, ${now}, ${now})
      ON CONFLICT (slug) DO NOTHING`;
    if (inserted === 1) return slug;
  }
  throw new Error('could not find a free tenant slug');
}
