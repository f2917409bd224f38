/** Descriptions of the OpenAPI document's tags (Swagger UI groups operations by them). */
export const openApiTags: Record<string, string> = {
  providers:
    'The providers a tenant can connect: auth, URLs, scopes, refresh rules, rate limits, webhook scheme, paging.',
  connections: 'Connections to provider accounts: OAuth 2 (PKCE) or API key; credentials sealed, never returned.',
  proxy: "Calls to a provider with the connection's credentials injected, rate-limited and guarded.",
  syncs: 'Scheduled and on-demand syncs: incremental or full, resumable, with runs and counts.',
  webhooks: "Providers' signed webhooks, verified, deduplicated and published.",
};
