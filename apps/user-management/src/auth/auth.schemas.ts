import { z } from 'zod';
import { tenantView } from '../tenants/tenant-view.ts';
import { userView } from '../users/user-view.ts';

export const email = z.email().max(254);
export const password = z.string().min(1).max(256);
export const name = z.string().trim().min(1).max(100);

export const tokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int().describe('access token lifetime, seconds'),
  tokenType: z.literal('Bearer'),
});

export const registerBody = z.strictObject({
  tenantName: z.string().trim().min(1).max(200),
  email,
  password,
  firstName: name.optional(),
  lastName: name.optional(),
});

export const registerResponse = tokenPairSchema.extend({ tenant: tenantView, user: userView });

export const loginBody = z.strictObject({ email, password, tenantId: z.uuid().optional() });

export const refreshBody = z.strictObject({ refreshToken: z.string().min(1).max(200) });

export const acceptInvitationBody = z.strictObject({ token: z.string().min(1).max(200), password });

export const acceptInvitationResponse = tokenPairSchema.extend({ user: userView });

export const apiKeyTokenBody = z.strictObject({ apiKey: z.string().min(1).max(200) });

export const apiKeyTokenResponse = z.object({
  accessToken: z.string(),
  expiresIn: z.number().int(),
  tokenType: z.literal('Bearer'),
});
