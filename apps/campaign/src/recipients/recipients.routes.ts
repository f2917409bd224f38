import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { FeatureModule } from '../context.ts';
import { inTenant } from '../http/in-tenant.ts';

const query = z.strictObject({
  status: z.enum(['active', 'done', 'skipped', 'stopped']).optional(),
  /** Only recipients with a step skipped for this reason. */
  skipReason: z.enum(['capped', 'suppressed', 'no_address', 'no_consent', 'left_audience', 'rejected']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** The last contactId of the previous page. */
  cursor: z.uuid().optional(),
});

const recipientView = z.object({
  contactId: z.uuid(),
  kind: z.enum(['lead', 'customer']),
  status: z.enum(['active', 'done', 'skipped', 'stopped']),
  reason: z
    .string()
    .nullable()
    .describe('Why it never entered (reentry), left (left_audience) or stopped (campaign_completed)'),
  currentStep: z.string().nullable().describe('The step it waits for, while active'),
  dueAt: z.date().nullable(),
  enrolledAt: z.date(),
  convertedAt: z.date().nullable(),
  sends: z.array(
    z.object({
      stepId: z.string(),
      channel: z.string(),
      state: z.enum(['reserved', 'accepted', 'rejected']),
      messageId: z.uuid().nullable(),
      messageStatus: z.string().nullable(),
      reservedAt: z.string(),
      deliveredAt: z.string().nullable(),
      openedAt: z.string().nullable(),
      clickedAt: z.string().nullable(),
      bouncedAt: z.string().nullable(),
    }),
  ),
  skips: z.array(z.object({ stepId: z.string(), reason: z.string(), detail: z.string().nullable(), at: z.string() })),
});

const SELECT = `SELECT e.contact_id AS "contactId", e.contact_kind AS kind, e.status, e.reason,
  CASE WHEN e.status = 'active' THEN p.steps -> e.step_index ->> 'id' END AS "currentStep", e.due_at AS "dueAt",
  e.enrolled_at AS "enrolledAt", e.converted_at AS "convertedAt",
  coalesce((SELECT json_agg(json_build_object('stepId', s.step_id, 'channel', s.channel, 'state', s.state,
      'messageId', s.message_id, 'messageStatus', s.message_status, 'reservedAt', s.reserved_at,
      'deliveredAt', s.delivered_at, 'openedAt', s.opened_at, 'clickedAt', s.clicked_at, 'bouncedAt', s.bounced_at)
      ORDER BY s.reserved_at)
    FROM sends s WHERE s.tenant_id = e.tenant_id AND s.campaign_id = e.campaign_id AND s.contact_id = e.contact_id), '[]') AS sends,
  coalesce((SELECT json_agg(json_build_object('stepId', k.step_id, 'reason', k.reason, 'detail', k.detail, 'at', k.at) ORDER BY k.at)
    FROM skips k WHERE k.tenant_id = e.tenant_id AND k.campaign_id = e.campaign_id AND k.contact_id = e.contact_id), '[]') AS skips
FROM enrolments e JOIN plans p ON p.tenant_id = e.tenant_id AND p.campaign_id = e.campaign_id
WHERE e.tenant_id = $1 AND e.campaign_id = $2 AND ($3::text IS NULL OR e.status = $3)
  AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM skips k WHERE k.tenant_id = e.tenant_id AND k.campaign_id = e.campaign_id
    AND k.contact_id = e.contact_id AND k.reason = $4))
  AND ($5::uuid IS NULL OR e.contact_id > $5)
ORDER BY e.contact_id LIMIT $6`;

/** Each recipient of a campaign: where it is in the plan, what it was sent, and why a step was skipped. */
export const recipientsRoutes: FeatureModule = (app, ctx) => {
  app.get(
    '/api/v1/campaign-executions/:campaignId/recipients',
    {
      onRequest: requirePermission('campaigns:read'),
      schema: {
        operationId: 'listCampaignRecipients',
        tags: ['executions'],
        summary: "A campaign's recipients with their step, sends and skip reasons; cursor-paged by contact id",
        params: z.strictObject({ campaignId: z.uuid() }),
        querystring: query,
        response: { 200: z.object({ recipients: z.array(recipientView), nextCursor: z.uuid().nullable() }) },
      },
    },
    async (request) => {
      const { status, skipReason, limit, cursor } = request.query;
      const rows = await inTenant(ctx.pool, request, async (client, tenantId) => {
        const result = await client.query<z.output<typeof recipientView>>(SELECT, [
          tenantId,
          request.params.campaignId,
          status ?? null,
          skipReason ?? null,
          cursor ?? null,
          limit + 1,
        ]);
        return result.rows;
      });
      const page = rows.slice(0, limit);
      return { recipients: page, nextCursor: rows.length > limit ? page.at(-1)!.contactId : null };
    },
  );
};
