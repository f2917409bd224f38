import { describe, expect, it } from 'vitest';
import { enableRequest } from './enable-optimisation.ts';

describe("domain-repository's optimise command", () => {
  it('switches optimisation on with the goal: no analysis, no change', () => {
    const campaignId = '0192f5a4-0b1c-7d2e-9f30-415263748596';
    expect(enableRequest(campaignId, 'maximize_roas')).toEqual({
      path: `/api/v1/campaigns/${campaignId}/optimize`,
      body: { optimizationGoal: 'maximize_roas', analysisId: null, changes: [] },
    });
  });
});
