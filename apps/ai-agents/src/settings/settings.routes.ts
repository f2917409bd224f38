import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { createAddressPolicy } from '@bizosaas/outbound-http';
import type { FeatureModule } from '../context.ts';
import { settingsViewOf } from './effective-settings.ts';
import { loadTenantSettings } from './load-tenant-settings.ts';
import { settingsBody, settingsView } from './settings-schemas.ts';
import { updateSettings } from './update-settings.ts';

const URL = '/api/v1/agents/settings';

/** A tenant's LLM (its key sealed, never returned), prices, monthly token quota and guardrails. */
export const settingsFeature: FeatureModule = (app, ctx) => {
  // The URL a tenant gives is judged by the policy its calls will meet (development allows 127.0.0.0/8).
  const body = settingsBody(createAddressPolicy({ allowedCidrs: ctx.config.OUTBOUND_ALLOWED_CIDRS }));
  app.get(
    URL,
    {
      onRequest: requirePermission('agents:read'),
      schema: {
        operationId: 'getAgentSettings',
        tags: ['settings'],
        summary: "The tenant's effective agent settings: its own, else the service defaults (never the API key)",
        response: { 200: settingsView },
      },
    },
    async (request) => settingsViewOf(await loadTenantSettings(ctx, requirePrincipal(request).tenantId)),
  );
  app.put(
    URL,
    {
      onRequest: requirePermission('agents:manage'),
      schema: {
        operationId: 'putAgentSettings',
        tags: ['settings'],
        summary:
          'Replace the settings the body names (null: back to the default; llm null removes the LLM and its key); answers the effective settings',
        body,
        response: { 200: settingsView },
      },
    },
    async (request) => settingsViewOf(await updateSettings(ctx, requirePrincipal(request).tenantId, request.body)),
  );
};
