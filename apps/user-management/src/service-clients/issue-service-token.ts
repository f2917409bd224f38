import { SERVICE_ROLE, type Permission, type SubscriptionPlan } from '@bizosaas/auth';
import { ForbiddenError, NotFoundError } from '@bizosaas/ddd-kernel';
import { withTenant } from '@bizosaas/db';
import type { IdentityContext } from '../context.ts';
import { signAccessToken } from '../tokens/access-token.ts';
import type { ServiceClient } from './service-clients-config.ts';
import { servicePrincipalId } from './service-principal-id.ts';

export interface ServiceTokenRequest {
  tenantId: string;
  permissions: readonly Permission[];
}

/**
 * A short access token of the tenant for a platform service: role `service`, exactly the asked
 * permissions (each one the client is allowed), the tenant's plan, no session. The tenant is read
 * inside its own RLS scope, so a missing one and another's look the same: 404.
 */
export async function issueServiceToken(
  ctx: IdentityContext,
  client: ServiceClient,
  request: ServiceTokenRequest,
): Promise<{ accessToken: string; expiresIn: number; tokenType: 'Bearer' }> {
  const refused = request.permissions.filter((permission) => !client.permissions.includes(permission));
  if (refused.length > 0) {
    throw new ForbiddenError('The client may not ask for these permissions', { clientId: client.id, refused });
  }
  const tenant = await withTenant(ctx.prisma, request.tenantId, (tx) =>
    tx.tenant.findUnique({ where: { tenantId: request.tenantId }, select: { plan: true } }),
  );
  if (tenant === null) throw new NotFoundError('Tenant not found', { tenantId: request.tenantId });
  const { token, expiresIn } = await signAccessToken(ctx.ring, {
    subject: servicePrincipalId(client.id),
    tenantId: request.tenantId,
    roles: [SERVICE_ROLE],
    permissions: [...new Set(request.permissions)],
    plan: tenant.plan as SubscriptionPlan,
    ttlSeconds: ctx.config.SERVICE_TOKEN_TTL_SECONDS,
    now: ctx.now(),
  });
  return { accessToken: token, expiresIn, tokenType: 'Bearer' };
}
