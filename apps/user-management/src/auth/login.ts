import { AppError, UnauthenticatedError } from '@bizosaas/ddd-kernel';
import { withTenant } from '@bizosaas/db';
import type { IdentityContext, RequestMeta } from '../context.ts';
import { dummyHash, verifyPassword } from '../passwords/password-hash.ts';
import { openSession, tokenPair, type TokenPair } from '../sessions/session-store.ts';

export interface LoginInput {
  email: string;
  password: string;
  tenantId?: string | undefined;
}

interface Candidate {
  user_id: string;
  tenant_id: string;
  tenant_name: string;
  password_hash: string;
  status: string;
}

/** One answer for every wrong e-mail/password/tenant combination: nothing tells which part was wrong. */
export const invalidCredentials = () =>
  new UnauthenticatedError('Invalid email or password', { reason: 'invalid_credentials' });

/**
 * Sign-in by e-mail across tenants. The lookup is the SECURITY DEFINER function
 * `login_candidates` (the only cross-tenant read the app role can make). An unknown e-mail
 * still costs one scrypt (on a dummy hash). Several tenants matching the password and no
 * tenantId: 409 TENANT_SELECTION_REQUIRED listing them, only after the password verified.
 */
export async function login(ctx: IdentityContext, input: LoginInput, meta: RequestMeta): Promise<TokenPair> {
  const email = input.email.toLowerCase();
  await ctx.limiter.assertAllowed(email, meta.ip);
  const rows = await ctx.prisma.$queryRaw<Candidate[]>`SELECT * FROM login_candidates(${email})`;
  const candidates =
    input.tenantId === undefined ? rows : rows.filter((row) => row.tenant_id === input.tenantId!.toLowerCase());
  const matches: Candidate[] = [];
  if (candidates.length === 0) await verifyPassword(await dummyHash(), input.password);
  for (const candidate of candidates) {
    if (await verifyPassword(candidate.password_hash, input.password)) matches.push(candidate);
  }
  // A deactivated account fails like a wrong password: the answer does not reveal its state.
  const active = matches.filter((match) => match.status === 'active');
  if (active.length === 0) {
    await ctx.limiter.recordFailure(email, meta.ip);
    throw invalidCredentials();
  }
  if (active.length > 1) {
    throw new AppError(
      'TENANT_SELECTION_REQUIRED',
      409,
      'The account exists in several tenants: sign in again with tenantId',
      {
        tenants: active.map((match) => ({ id: match.tenant_id, name: match.tenant_name })),
      },
    );
  }
  await ctx.limiter.clear(email);
  const { user_id: userId, tenant_id: tenantId } = active[0]!;
  const signedIn = await withTenant(ctx.prisma, tenantId, async (tx) => {
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId } });
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { tenantId } });
    const session = await openSession(tx, ctx, { tenantId, userId, meta });
    return { role: user.role, plan: tenant.plan, ...session };
  });
  return tokenPair(ctx, { userId, tenantId, ...signedIn });
}
