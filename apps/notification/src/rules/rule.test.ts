import { describe, expect, it } from 'vitest';
import { ruleBody } from './rule.ts';

const body = (recipient: unknown) => ({ eventType: 'analytics.report_ready', templateKey: 'report-ready', recipient });

describe('ruleBody', () => {
  it('takes a data_user recipient at a dotted path of the event data', () => {
    expect(ruleBody.parse(body({ type: 'data_user', field: 'report.requestedBy' }))).toMatchObject({
      recipient: { type: 'data_user', field: 'report.requestedBy' },
      enabled: true,
    });
  });

  it('refuses a data_user recipient without a dotted path', () => {
    expect(ruleBody.safeParse(body({ type: 'data_user' })).success).toBe(false);
    expect(ruleBody.safeParse(body({ type: 'data_user', field: 'requested by' })).success).toBe(false);
    expect(ruleBody.safeParse(body({ type: 'data_user', field: 'requestedBy', userId: 'x' })).success).toBe(false);
  });
});
