import { afterAll, beforeAll, describe, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { eventually, expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { funnelsFeature } from './funnels-feature.ts';
import { funnelTileSource } from './run-funnel.ts';
import { leadEvents, publishAll } from './test-events.ts';

const URL = '/api/v1/analytics/funnels/query';
const DAY = { dateRange: { from: '2026-12-01', to: '2026-12-01' } };
const at = (clock: string) => `2026-12-01T${clock}:00Z`;
const leadFunnel = {
  steps: [{ eventType: 'lead.created' }, { eventType: 'lead.qualified' }, { eventType: 'lead.converted' }],
  ...DAY,
};

describe('POST /funnels/query over published events', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { features: [funnelsFeature] });
  });
  afterAll(async () => t?.close());

  const query = (headers: Record<string, string>, body: object) =>
    t.app.inject({ method: 'POST', url: URL, headers, payload: body });
  const counts = (body: { steps?: { count: number }[] }) => body.steps?.map((step) => step.count);
  /** Queries until the projection has the events that make the expected counts. */
  const settled = (headers: Record<string, string>, body: object, expected: number[]) =>
    eventually(
      async () => (await query(headers, body)).json(),
      (answer) => expect(counts(answer), JSON.stringify(answer)).toEqual(expected),
    );

  it('answers created -> qualified -> converted with 3 / 2 / 1, rates and median times; another tenant sees zeros', async () => {
    const caller = await tenantCaller(t.key);
    const other = await tenantCaller(t.key);
    await publishAll(t, [
      ...leadEvents(caller.tenantId, [
        ['lead.created', at('10:00')],
        ['lead.qualified', at('10:01')],
        ['lead.converted', at('10:02')],
      ]),
      ...leadEvents(caller.tenantId, [
        ['lead.created', at('10:00')],
        ['lead.qualified', at('10:01')],
      ]),
      ...leadEvents(caller.tenantId, [['lead.created', at('10:00')]]),
    ]);

    const answer = await settled(caller.headers, leadFunnel, [3, 2, 1]);
    expect(answer.steps).toEqual([
      {
        eventType: 'lead.created',
        count: 3,
        conversionRate: '1.0000',
        stepConversionRate: '1.0000',
        medianSecondsToConvert: null,
      },
      {
        eventType: 'lead.qualified',
        count: 2,
        conversionRate: '0.6667',
        stepConversionRate: '0.6667',
        medianSecondsToConvert: 60,
      },
      {
        eventType: 'lead.converted',
        count: 1,
        conversionRate: '0.3333',
        stepConversionRate: '0.5000',
        medianSecondsToConvert: 120,
      },
    ]);
    expect(answer.asOfPosition).toMatch(/^\d+:\d+$/);
    expect(answer.range).toEqual({ from: '2026-12-01T00:00:00.000Z', to: '2026-12-02T00:00:00.000Z', timezone: 'UTC' });
    expect(answer.breakdown).toBeUndefined();

    // A dashboard tile holds the definition as sent (order defaults there too) and gets the range.
    const { dateRange: _range, ...config } = leadFunnel;
    const day = { fromMs: Date.parse('2026-12-01T00:00:00Z'), toMs: Date.parse('2026-12-02T00:00:00Z') };
    const tile = await withTransaction(
      t.pool,
      (client) => funnelTileSource(client, caller.tenantId, config, day, null),
      { tenantId: caller.tenantId },
    );
    expect(tile).toEqual({ steps: answer.steps });

    const nextDay = await query(caller.headers, { ...leadFunnel, dateRange: { from: '2026-12-02', to: '2026-12-02' } });
    expect(counts(nextDay.json())).toEqual([0, 0, 0]);
    const zeros = (await query(other.headers, leadFunnel)).json();
    expect(counts(zeros)).toEqual([0, 0, 0]);
    expect(zeros.steps[1]).toMatchObject({ conversionRate: '0.0000', stepConversionRate: '0.0000' });
  });

  it('does not count a conversion later than the step window allows', async () => {
    const caller = await tenantCaller(t.key);
    await publishAll(t, [
      ...leadEvents(caller.tenantId, [
        ['lead.created', at('10:00')],
        ['lead.qualified', at('10:01')],
        ['lead.converted', at('10:04')],
      ]),
      ...leadEvents(caller.tenantId, [
        ['lead.created', at('10:00')],
        ['lead.qualified', at('10:01')],
        ['lead.converted', at('10:31')],
      ]),
    ]);
    await settled(caller.headers, leadFunnel, [2, 2, 2]);

    const [created, qualified, converted] = leadFunnel.steps;
    const windowed = { ...leadFunnel, steps: [created, qualified, { ...converted, withinSeconds: 600 }] };
    const answer = (await query(caller.headers, windowed)).json();
    expect(counts(answer)).toEqual([2, 2, 1]);
    expect(answer.steps[2].medianSecondsToConvert).toBe(240);
  });

  it('does not count a conversion with an excluded event between the steps', async () => {
    const caller = await tenantCaller(t.key);
    await publishAll(t, [
      ...leadEvents(caller.tenantId, [
        ['lead.created', at('10:00')],
        ['lead.lost', at('10:05')],
        ['lead.converted', at('10:10')],
      ]),
      ...leadEvents(caller.tenantId, [
        ['lead.created', at('10:00')],
        ['lead.converted', at('10:10')],
      ]),
    ]);
    const createdToConverted = { steps: [{ eventType: 'lead.created' }, { eventType: 'lead.converted' }], ...DAY };
    await settled(caller.headers, createdToConverted, [2, 2]);

    const exclusions = [{ eventType: 'lead.lost', afterStep: 1, beforeStep: 2 }];
    expect(counts((await query(caller.headers, { ...createdToConverted, exclusions })).json())).toEqual([2, 1]);
  });

  it('counts a strict step only when it is the very next event, of any type', async () => {
    const caller = await tenantCaller(t.key);
    await publishAll(t, [
      ...leadEvents(caller.tenantId, [
        ['lead.created', at('10:00')],
        ['lead.contacted', at('10:01')],
        ['lead.qualified', at('10:02')],
      ]),
      ...leadEvents(caller.tenantId, [
        ['lead.created', at('10:00')],
        ['lead.qualified', at('10:02')],
      ]),
    ]);
    const createdToQualified = { steps: [{ eventType: 'lead.created' }, { eventType: 'lead.qualified' }], ...DAY };
    await settled(caller.headers, createdToQualified, [2, 2]);

    expect(counts((await query(caller.headers, { ...createdToQualified, order: 'strict' })).json())).toEqual([2, 1]);
  });

  it('breaks down by the first-touch source, most entrants first', async () => {
    const caller = await tenantCaller(t.key);
    const qualified = [
      ['lead.created', at('10:00')],
      ['lead.qualified', at('10:30')],
    ] as const;
    await publishAll(t, [
      ...leadEvents(caller.tenantId, qualified, 'referral'),
      ...leadEvents(caller.tenantId, qualified, 'website_form'),
      ...leadEvents(caller.tenantId, [['lead.created', at('11:00')]], 'website_form'),
    ]);
    const body = {
      steps: [{ eventType: 'lead.created' }, { eventType: 'lead.qualified' }],
      breakdown: { property: 'source', touch: 'first' },
      ...DAY,
    };
    const answer = await settled(caller.headers, body, [3, 2]);
    expect(
      answer.breakdown.map((row: { value: string; steps: { count: number }[] }) => [row.value, counts(row)]),
    ).toEqual([
      ['website_form', [2, 1]],
      ['referral', [1, 1]],
    ]);
    expect(answer.breakdown[0].steps[1]).toMatchObject({ conversionRate: '0.5000', medianSecondsToConvert: 1800 });
  });

  it('answers as of an earlier asOfPosition with the figures seen then, and refuses one not reached', async () => {
    const caller = await tenantCaller(t.key);
    const body = { steps: [{ eventType: 'lead.created' }, { eventType: 'lead.qualified' }], ...DAY };
    await publishAll(
      t,
      leadEvents(caller.tenantId, [
        ['lead.created', at('09:00')],
        ['lead.qualified', at('09:05')],
      ]),
    );
    const before = await settled(caller.headers, body, [1, 1]);
    await publishAll(t, [
      ...leadEvents(caller.tenantId, [['lead.created', at('08:00')]]),
      ...leadEvents(caller.tenantId, [
        ['lead.created', at('09:00')],
        ['lead.qualified', at('12:00')],
      ]),
    ]);
    await settled(caller.headers, body, [3, 2]);

    const then = (await query(caller.headers, { ...body, asOfPosition: before.asOfPosition })).json();
    expect(counts(then)).toEqual([1, 1]);
    expect(then.asOfPosition).toBe(before.asOfPosition);
    const ahead = await query(caller.headers, { ...body, asOfPosition: '999999999:999999999' });
    expect(ahead.statusCode).toBe(400);
    expect(ahead.json().details.issues[0].path).toBe('asOfPosition');
  });

  it('refuses unknown fields and funnels it cannot evaluate, naming every problem', async () => {
    const caller = await tenantCaller(t.key);
    const unknown = await query(caller.headers, {
      ...leadFunnel,
      steps: [{ eventType: 'lead.created', evenType: 'x' }, { eventType: 'lead.qualified' }],
      stepz: [],
    });
    expect(unknown.statusCode).toBe(400);
    const paths = unknown.json().details.issues.map((issue: { path: string }) => issue.path);
    expect(paths.sort()).toEqual(['steps.0.evenType', 'stepz']);

    const invalid = await query(caller.headers, {
      steps: [{ eventType: 'lead.created', withinSeconds: 60 }, { eventType: 'lead.qualified' }],
      exclusions: [{ eventType: 'lead.lost', afterStep: 1, beforeStep: 3 }],
      ...DAY,
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ error: 'VALIDATION_ERROR' });
    expect(invalid.json().details.issues.map((issue: { path: string }) => issue.path)).toEqual([
      'steps.0.withinSeconds',
      'exclusions.0.beforeStep',
    ]);

    const badRange = await query(caller.headers, { ...leadFunnel, dateRange: { from: '2026-12-01T10:00:30Z' } });
    expect(badRange.json().details.issues).toEqual([
      expect.objectContaining({ path: 'dateRange.from', location: 'body' }),
    ]);
  });
});
