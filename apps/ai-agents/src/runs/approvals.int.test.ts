import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { z } from 'zod';
import { withTransaction } from '@bizosaas/db';
import type { TenantSettingsSource } from '../analyses/tenant-agent-settings.ts';
import type { Crew } from '../crews/crew.ts';
import { eventually, expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { analysisWhen, statusIs } from './testing/run-fixtures.ts';

const subject = z.strictObject({ campaignId: z.uuid() });
const options = z.strictObject({});

/** A crew with one flagged tool: `applied` counts the times its work really ran. */
function approvalCrew(applied: string[]): Crew<typeof subject, typeof options> {
  return {
    kind: 'campaign_optimization',
    name: 'approval-test-crew',
    version: '1',
    agents: ['campaign-operator'],
    subject,
    options,
    requiresLlm: false,
    async run(ctx, subject) {
      const outcome = await ctx.tool(
        'campaign-operator',
        'apply_optimization',
        { campaignId: subject.campaignId, shift: '900.00' },
        async () => {
          applied.push(subject.campaignId);
          return { applied: true };
        },
        { approval: { reason: 'moves 900.00, over the daily limit of 500.00' } },
      );
      return { summary: 'done', confidence: 90, results: { outcome } };
    },
  };
}

const settings =
  (approvalTimeoutMs: number): TenantSettingsSource =>
  async () => ({ llm: null, prices: null, approvalTimeoutMs, monthlyTokenQuota: 0 });

describe('approvals of flagged tool calls', () => {
  const applied: string[] = [];
  const env = { RUN_GROUP: `test-${randomUUID()}` };
  let t: TestApp;
  const start = (timeoutMs = 60_000) =>
    startTestApp(env, { crews: [approvalCrew(applied)], settings: settings(timeoutMs) });
  beforeAll(async () => {
    t = await start();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function waitingAnalysis(headers: Record<string, string>) {
    const campaignId = randomUUID();
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agents/analyses',
      headers,
      payload: { analysisType: 'campaign_optimization', subject: { campaignId } },
    });
    expect(accepted.statusCode).toBe(202);
    const id = accepted.json().id as string;
    await analysisWhen(t, headers, id, statusIs('awaiting_approval'));
    const list = await t.app.inject({ method: 'GET', url: `/api/v1/agents/approvals?analysisId=${id}`, headers });
    expect(list.json().items).toHaveLength(1);
    return { id, campaignId, approval: list.json().items[0] as { id: string; reason: string; tool: string } };
  }

  it('keeps a run waiting across a restart and runs the tool once it is approved', async () => {
    const before = await tenantCaller(t.key);
    const { id, campaignId, approval } = await waitingAnalysis(before.headers);
    expect(approval).toMatchObject({
      tool: 'apply_optimization',
      reason: 'moves 900.00, over the daily limit of 500.00',
    });
    await t.close();
    t = await start();
    // The restarted app trusts a new signing key: the same tenant signs in again.
    const { headers } = await tenantCaller(t.key, ['admin'], before.tenantId);
    const approved = await t.app.inject({
      method: 'POST',
      url: `/api/v1/agents/approvals/${approval.id}/approve`,
      headers,
      payload: {},
    });
    expect(approved.statusCode).toBe(200);
    const done = await analysisWhen(t, headers, id, statusIs('completed'));
    expect(done.result).toEqual({ outcome: { applied: true } });
    expect(applied.filter((c) => c === campaignId)).toHaveLength(1);
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/agents/approvals/${approval.id}/decline`,
      headers,
      payload: {},
    });
    expect(again.statusCode).toBe(422);
    expect(again.json().details).toMatchObject({ currentStatus: 'approved' });
  });

  it('changes nothing when declined: the run goes on without the tool', async () => {
    const { headers } = await tenantCaller(t.key);
    const { id, campaignId, approval } = await waitingAnalysis(headers);
    const declined = await t.app.inject({
      method: 'POST',
      url: `/api/v1/agents/approvals/${approval.id}/decline`,
      headers,
      payload: { note: 'not this week' },
    });
    expect(declined.json()).toMatchObject({ status: 'declined', note: 'not this week' });
    const done = await analysisWhen(t, headers, id, statusIs('completed'));
    expect(done.result).toEqual({ outcome: { declined: true, reason: 'not this week' } });
    expect(applied).not.toContain(campaignId);
  });

  it('leaves the decision to approvers: a member may not, and another tenant sees no such approval', async () => {
    const { headers, tenantId } = await tenantCaller(t.key);
    const { approval } = await waitingAnalysis(headers);
    const member = await tenantCaller(t.key, ['member'], tenantId);
    const refused = await t.app.inject({
      method: 'POST',
      url: `/api/v1/agents/approvals/${approval.id}/approve`,
      headers: member.headers,
      payload: {},
    });
    expect(refused.statusCode).toBe(403);
    const other = await tenantCaller(t.key);
    const hidden = await t.app.inject({
      method: 'POST',
      url: `/api/v1/agents/approvals/${approval.id}/approve`,
      headers: other.headers,
      payload: {},
    });
    expect(hidden.statusCode).toBe(404);
  });

  it('cancels a waiting analysis: its approval is declined, the tool never runs, a second cancel is refused', async () => {
    const { headers } = await tenantCaller(t.key);
    const { id, campaignId, approval } = await waitingAnalysis(headers);
    const cancel = () => t.app.inject({ method: 'POST', url: `/api/v1/agents/analyses/${id}/cancel`, headers });
    const cancelled = await cancel();
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED', retryable: false } });
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/agents/approvals?status=declined&analysisId=${id}`,
      headers,
    });
    expect(list.json().items.map((a: { id: string }) => a.id)).toEqual([approval.id]);
    const again = await cancel();
    expect(again.statusCode).toBe(422);
    expect(again.json().details).toMatchObject({ currentStatus: 'cancelled' });
    expect(applied).not.toContain(campaignId);
  });

  it('gives up a run that was started too many times without finishing: ATTEMPTS_EXHAUSTED, the tool never runs', async () => {
    const { headers, tenantId } = await tenantCaller(t.key);
    const { id, campaignId, approval } = await waitingAnalysis(headers);
    // As if five replicas had died holding it: the next claim is the sixth.
    await withTransaction(
      t.pool,
      (client) => client.query('UPDATE ai_agents.analyses SET attempts = 5 WHERE id = $1', [id]),
      {
        tenantId,
      },
    );
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/agents/approvals/${approval.id}/approve`,
      headers,
      payload: {},
    });
    const failed = await analysisWhen(t, headers, id, statusIs('failed'));
    expect(failed).toMatchObject({ attempts: 6, error: { code: 'ATTEMPTS_EXHAUSTED', retryable: false } });
    expect(applied).not.toContain(campaignId);
  });

  it('counts an approval nobody decided in time as declined', async () => {
    await t.close();
    t = await start(1000);
    const { headers } = await tenantCaller(t.key);
    const { id, campaignId, approval } = await waitingAnalysis(headers);
    const done = await analysisWhen(t, headers, id, statusIs('completed'), 15_000);
    expect(done.result).toEqual({ outcome: { declined: true, reason: 'approval expired' } });
    expect(applied).not.toContain(campaignId);
    await eventually(
      async () =>
        (
          await t.app.inject({
            method: 'GET',
            url: `/api/v1/agents/approvals?status=expired&analysisId=${id}`,
            headers,
          })
        ).json(),
      (body) => expect(body.items.map((a: { id: string }) => a.id)).toEqual([approval.id]),
    );
  });
});
