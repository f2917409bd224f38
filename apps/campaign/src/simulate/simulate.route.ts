import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import type { FeatureModule } from '../context.ts';
import { runSimulation } from './run-simulation.ts';
import { simulateBody, simulationReport } from './simulate-schema.ts';

const params = z.strictObject({ campaignId: z.uuid() });

const DESCRIPTION = `Replays a plan (the body's, else the saved one) over the recorded audience and history, and writes nothing.
The audience is the contacts the plan's filter selects now, less those the re-entry cooldown keeps out (an enrolment in another campaign within the cooldown before \`from\`).
Each recipient walks the plan from \`from\` for \`horizonDays\` with the dispatcher's rules: waits move the clock; a send step without a plain address on its channel is skipped (no_address); a marketing send is skipped (capped) when the recipient's marketing messages in the cap's window (the recorded sends of other campaigns plus the simulated ones) reach the tenant's frequency cap.
Branches follow recorded behaviour: a recipient who opened (clicked) a message of another campaign in the 90 days before \`from\` opens (clicks) each message at once; one with a conversion recorded on another campaign's enrolment in those days converts after the first message; anyone else waits out the branch's window and takes \`otherwise\`.
Projected spend, in the budget's currency, is capped by the total budget less the ledger's sum: with spend recorded, the ledger's average daily spend (its sum over the days from its first to its last entry) times the schedule's days left from \`from\` (an open-ended schedule: the horizon's); without, the daily budget (else the total over the schedule's days) times the horizon's days inside the schedule; null for an open-ended schedule with neither.`;

/** POST /api/v1/campaign-executions/:campaignId/simulate: what-if replay of a plan against history. */
export const simulateFeature: FeatureModule = (app, ctx) => {
  app.post(
    '/api/v1/campaign-executions/:campaignId/simulate',
    {
      onRequest: requirePermission('campaigns:read'),
      schema: {
        operationId: 'simulateCampaignPlan',
        tags: ['simulation'],
        summary: 'Replay a plan over the recorded audience and history: who would be reached, capped or skipped',
        description: DESCRIPTION,
        params,
        body: simulateBody,
        response: { 200: simulationReport },
      },
    },
    async (request) => {
      const { tenantId } = requirePrincipal(request);
      return withTransaction(
        ctx.pool,
        (client) => runSimulation(client, tenantId, request.params.campaignId, request.body, ctx.now()),
        // One snapshot for every statement, and read only: a simulation can never write.
        { tenantId, isolation: 'REPEATABLE READ', settings: { transaction_read_only: 'on' } },
      );
    },
  );
};
