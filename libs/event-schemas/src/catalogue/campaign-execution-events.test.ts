import { describe, expect, it } from 'vitest';
import { createEvent } from '../create-event.ts';
import { InvalidEventError } from '../errors.ts';
import { fixedClock, nextTestId, tenantId } from '../test-fixtures.ts';
import { eventCatalogue } from './catalogue.ts';

const campaignId = '0192f5a4-0b1c-7d2e-9f30-415263748596';
const synced = {
  ...eventCatalogue['campaign.spend_recorded'].example,
  amount: '180.00',
  previousAmount: '120.00',
  source: 'ad_metrics' as const,
  adCampaign: { provider: 'google_ads', externalCampaignId: '123' },
};
const spendRecorded = (data: unknown) =>
  createEvent(
    {
      type: 'campaign.spend_recorded',
      tenantId,
      actor: { type: 'service', id: 'campaign' },
      aggregateId: campaignId,
      data: data as typeof synced,
    },
    { now: fixedClock, newId: nextTestId },
  );

describe('campaign budget events', () => {
  it('campaign.spend_recorded of a re-synced day carries the new total, what it replaced and the ad campaign', () => {
    expect(spendRecorded(synced).data).toEqual(synced);
  });

  it('campaign.spend_recorded refuses a negative amount and a provider that is not a key', () => {
    expect(() => spendRecorded({ ...synced, amount: '-60.00' })).toThrow(InvalidEventError);
    expect(() => spendRecorded({ ...synced, adCampaign: { provider: 'Google Ads', externalCampaignId: '1' } })).toThrow(
      InvalidEventError,
    );
  });
});
