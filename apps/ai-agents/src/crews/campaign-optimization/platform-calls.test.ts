import { describe, expect, it } from 'vitest';
import { PlatformCallError, type PlatformClient } from '@bizosaas/platform-client';
import { CAMPAIGN_ID, campaignView } from './campaign-test-support.ts';
import { applyOptimization, readCampaign, type OptimizationBody } from './platform-calls.ts';

const TENANT = '0192f5a4-0000-7000-8000-000000000001';
const call = {
  tenantId: TENANT,
  campaignId: CAMPAIGN_ID,
  correlationId: 'corr-1',
  signal: new AbortController().signal,
};
const body: OptimizationBody = {
  optimizationGoal: 'minimize_cpa',
  analysisId: '0192f5a4-0000-7000-8000-000000000002',
  changes: [],
  expectedImprovementPercent: 3,
  expectedVersion: 7,
};

/** A client whose every call ends as `answer` says (the client's own HTTP is tested in its lib). */
function clientAnswering(answer: () => unknown) {
  const calls: unknown[][] = [];
  const client: PlatformClient = {
    get: (...args) => (calls.push(['GET', ...args]), Promise.resolve().then(answer)),
    post: (...args) => (calls.push(['POST', ...args]), Promise.resolve().then(answer)),
    close: () => Promise.resolve(),
  };
  return { client, calls };
}

const refused = (status: number, answer: object) => () => {
  throw new PlatformCallError(`domain-repository answered ${status}`, status, JSON.stringify(answer), status >= 500);
};

describe('readCampaign', () => {
  it("reads the campaign's view with the analysis's correlation id", async () => {
    const { client, calls } = clientAnswering(() => ({ ...campaignView, extra: 'ignored' }));
    await expect(readCampaign(client, call)).resolves.toEqual(campaignView);
    expect(calls).toEqual([
      ['GET', TENANT, `/api/v1/campaigns/${CAMPAIGN_ID}`, 200, call.signal, { correlationId: 'corr-1' }],
    ]);
  });

  it('fails the analysis with SUBJECT_NOT_FOUND for a campaign that is not there', async () => {
    const { client } = clientAnswering(refused(404, { error: 'NOT_FOUND', message: 'no campaign' }));
    await expect(readCampaign(client, call)).rejects.toMatchObject({ code: 'SUBJECT_NOT_FOUND', retryable: false });
  });

  it('tells an outage (worth running again) from an answer of another shape', async () => {
    const { client: down } = clientAnswering(refused(503, { error: 'UNAVAILABLE', message: 'down' }));
    await expect(readCampaign(down, call)).rejects.toMatchObject({ code: 'PLATFORM_UNAVAILABLE', retryable: true });
    const { client: odd } = clientAnswering(() => ({ ...campaignView, status: 'archived' }));
    await expect(readCampaign(odd, call)).rejects.toMatchObject({ code: 'PLATFORM_REFUSED', retryable: false });
  });
});

describe('applyOptimization', () => {
  it('posts the body to the optimize route and answers the new version', async () => {
    const { client, calls } = clientAnswering(() => ({ ...campaignView, version: 8 }));
    await expect(applyOptimization(client, call, body)).resolves.toEqual({ applied: true, campaignVersion: 8 });
    expect(calls).toEqual([
      [
        'POST',
        TENANT,
        `/api/v1/campaigns/${CAMPAIGN_ID}/optimize`,
        body,
        200,
        call.signal,
        { correlationId: 'corr-1' },
      ],
    ]);
  });

  it('answers a rule refusal and a changed campaign as not applied, with the reason', async () => {
    const completed = refused(422, {
      error: 'BUSINESS_RULE_VIOLATION',
      message: 'Campaign is completed; needs draft or scheduled or active or paused',
      details: { currentStatus: 'completed' },
    });
    await expect(applyOptimization(clientAnswering(completed).client, call, body)).resolves.toEqual({
      applied: false,
      reason: 'Campaign is completed; needs draft or scheduled or active or paused (status completed)',
    });
    const changed = refused(409, {
      error: 'CONCURRENCY_EXCEPTION',
      message: 'expected version 7, found 9',
      details: {},
    });
    await expect(applyOptimization(clientAnswering(changed).client, call, body)).resolves.toEqual({
      applied: false,
      reason: 'expected version 7, found 9',
    });
  });

  it('fails on any other refusal', async () => {
    const { client } = clientAnswering(refused(403, { error: 'FORBIDDEN', message: 'campaigns:write needed' }));
    await expect(applyOptimization(client, call, body)).rejects.toMatchObject({ code: 'PLATFORM_REFUSED' });
  });
});
