/** Descriptions of the OpenAPI document's tags (Swagger UI groups operations by them). */
export const openApiTags: Record<string, string> = {
  auth: 'Sign-up, sign-in, token refresh, sign-out, invitations, the API-key exchange and tenant tokens for platform services.',
  users: 'Users of the tenant and their roles.',
  tenants: "The caller's tenant, its settings and subscription plan.",
  sessions: "The signed-in user's sessions (refresh-token families).",
  'api-keys': 'API keys of machine clients of the tenant.',
  keys: 'The public keys that verify access tokens (JWKS).',
};
