import { describe, expect, it } from 'vitest';
import { decimalRate, evaluateFunnel, type FunnelSpec, type Journey, type JourneyEvent } from './funnel-engine.ts';
import { funnelSpecProblems } from './funnel-spec-problems.ts';

function at(second: number, type: string, props: Record<string, string | null> = {}): JourneyEvent {
  return { type, at: 1_700_000_000_000 + second * 1000, props };
}
function journeys(...eventLists: JourneyEvent[][]): Journey[] {
  return eventLists.map((events, i) => ({ subjectId: `s${i + 1}`, events }));
}
const counts = (spec: FunnelSpec, history: Journey[]) => evaluateFunnel(history, spec).steps.map((step) => step.count);
const medians = (spec: FunnelSpec, history: Journey[]) =>
  evaluateFunnel(history, spec).steps.map((step) => step.medianSecondsToConvert);

const signupFunnel: FunnelSpec = {
  order: 'ordered',
  steps: [{ eventType: 'view' }, { eventType: 'signup' }, { eventType: 'buy' }],
};

describe('an ordered funnel', () => {
  it('counts subjects reaching each step in order, with rates and the median from the latest entry', () => {
    const history = journeys(
      [at(0, 'view'), at(10, 'signup'), at(30, 'buy')],
      [at(0, 'view'), at(20, 'view'), at(25, 'signup')],
      [at(0, 'signup'), at(5, 'view')],
      [at(0, 'buy')],
    );
    expect(evaluateFunnel(history, signupFunnel)).toStrictEqual({
      steps: [
        {
          eventType: 'view',
          count: 3,
          conversionRate: '1.0000',
          stepConversionRate: '1.0000',
          medianSecondsToConvert: null,
        },
        {
          eventType: 'signup',
          count: 2,
          conversionRate: '0.6667',
          stepConversionRate: '0.6667',
          medianSecondsToConvert: 7.5,
        },
        {
          eventType: 'buy',
          count: 1,
          conversionRate: '0.3333',
          stepConversionRate: '0.5000',
          medianSecondsToConvert: 30,
        },
      ],
    });
  });

  it('gives zero rates and null medians when nobody starts', () => {
    expect(evaluateFunnel(journeys([at(0, 'buy')], []), signupFunnel).steps[1]).toStrictEqual({
      eventType: 'signup',
      count: 0,
      conversionRate: '0.0000',
      stepConversionRate: '0.0000',
      medianSecondsToConvert: null,
    });
  });

  it('only matches events whose properties pass the step filters', () => {
    const spec: FunnelSpec = {
      order: 'ordered',
      steps: [
        { eventType: 'view', filters: [{ property: 'page', op: 'eq', value: 'pricing' }] },
        { eventType: 'signup', filters: [{ property: 'plan', op: 'neq', value: 'free' }] },
      ],
    };
    const history = journeys(
      [at(0, 'view', { page: 'pricing' }), at(1, 'signup', { plan: 'pro' })],
      [at(0, 'view', { page: 'home' }), at(1, 'signup', { plan: 'pro' })],
      [at(0, 'view', { page: 'pricing' }), at(1, 'signup', { plan: 'free' })],
      [at(0, 'view', { page: 'pricing' }), at(1, 'signup')],
    );
    expect(counts(spec, history)).toEqual([3, 2]);
  });

  it('drops a conversion past the window and keeps one exactly at it, timing from the latest entry', () => {
    const spec: FunnelSpec = {
      order: 'ordered',
      steps: [{ eventType: 'view' }, { eventType: 'buy', withinSeconds: 60 }],
    };
    const history = journeys(
      [at(0, 'view'), at(61, 'buy')],
      [at(0, 'view'), at(60, 'buy')],
      [at(0, 'view'), at(100, 'view'), at(150, 'buy')],
    );
    expect(counts(spec, history)).toEqual([3, 2]);
    expect(medians(spec, history)).toEqual([null, 55]);
  });

  it('refuses a path with an excluded event between its steps, checked only once the path reaches beforeStep', () => {
    const spec: FunnelSpec = { ...signupFunnel, exclusions: [{ eventType: 'share', afterStep: 1, beforeStep: 3 }] };
    const history = journeys(
      [at(0, 'view'), at(1, 'share'), at(2, 'signup'), at(3, 'buy')],
      [at(0, 'view'), at(1, 'signup'), at(2, 'share'), at(3, 'buy')],
      [at(0, 'view'), at(1, 'share'), at(2, 'view'), at(3, 'signup'), at(4, 'buy')],
      [at(0, 'view'), at(1, 'signup'), at(2, 'buy'), at(3, 'share')],
    );
    expect(counts(spec, history)).toEqual([4, 4, 2]);
    expect(medians(spec, history)).toEqual([null, 1, 2]);
  });

  it("counts the path's own events between afterStep and beforeStep as excluded ones", () => {
    const spec: FunnelSpec = { ...signupFunnel, exclusions: [{ eventType: 'signup', afterStep: 1, beforeStep: 3 }] };
    expect(counts(spec, journeys([at(0, 'view'), at(1, 'signup'), at(2, 'buy')]))).toEqual([1, 1, 0]);
  });

  it('takes the middle value for an odd number of subjects and the mean of the middle two for an even one', () => {
    const spec: FunnelSpec = { order: 'ordered', steps: [{ eventType: 'view' }, { eventType: 'buy' }] };
    const odd = journeys([at(0, 'view'), at(1, 'buy')], [at(0, 'view'), at(2, 'buy')], [at(0, 'view'), at(9, 'buy')]);
    expect(medians(spec, odd)).toEqual([null, 2]);
    expect(medians(spec, [...odd, { subjectId: 's4', events: [at(0, 'view'), at(3, 'buy')] }])).toEqual([null, 2.5]);
  });
});

describe('a strict funnel', () => {
  it("needs each step to be the subject's very next event", () => {
    const spec: FunnelSpec = { order: 'strict', steps: [{ eventType: 'view' }, { eventType: 'signup' }] };
    const history = journeys(
      [at(0, 'view'), at(1, 'signup')],
      [at(0, 'view'), at(1, 'share'), at(2, 'signup')],
      [at(0, 'view'), at(3, 'view'), at(4, 'signup')],
    );
    expect(counts(spec, history)).toEqual([3, 2]);
    expect(medians(spec, history)).toEqual([null, 1]);
    expect(counts({ ...spec, order: 'ordered' }, history)).toEqual([3, 3]);
  });
});

describe('an any-order funnel', () => {
  it('takes steps in any order, measuring windows and time to convert from the earliest chosen event', () => {
    const spec: FunnelSpec = {
      order: 'any',
      steps: [{ eventType: 'signup' }, { eventType: 'view', withinSeconds: 10 }],
    };
    const history = journeys(
      [at(0, 'view'), at(5, 'signup')],
      [at(0, 'signup'), at(20, 'view')],
      [at(0, 'view'), at(30, 'signup'), at(35, 'view')],
      [at(0, 'view'), at(15, 'signup')],
    );
    expect(counts(spec, history)).toEqual([4, 3]);
    expect(medians(spec, history)).toEqual([null, 5]);
  });
});

describe('a breakdown', () => {
  const spec: FunnelSpec = { order: 'ordered', steps: [{ eventType: 'view' }, { eventType: 'signup' }] };
  const history = journeys(
    [at(0, 'view', { source: null }), at(1, 'view', { source: 'ads' }), at(2, 'signup', { source: 'mail' })],
    [at(0, 'view', { source: 'mail' })],
    [at(0, 'view')],
    [at(0, 'signup', { source: 'ads' })],
  );
  const rows = (touch: 'first' | 'last') =>
    evaluateFunnel(history, { ...spec, breakdown: { property: 'source', touch } }).breakdown?.map((row) => ({
      value: row.value,
      counts: row.steps.map((step) => step.count),
    }));

  it("groups subjects by the property's first non-null value, most step-1 subjects first, then by value", () => {
    expect(rows('first')).toEqual([
      { value: 'ads', counts: [1, 1] },
      { value: 'mail', counts: [1, 0] },
      { value: null, counts: [1, 0] },
    ]);
  });

  it("groups subjects by the property's last non-null value and keeps the totals at the top level", () => {
    expect(rows('last')).toEqual([
      { value: 'mail', counts: [2, 1] },
      { value: null, counts: [1, 0] },
      { value: 'ads', counts: [0, 0] },
    ]);
    expect(counts(spec, history)).toEqual([3, 1]);
  });
});

describe('rates', () => {
  it('have four places rounded half up, computed without binary fractions', () => {
    expect([decimalRate(7, 160), decimalRate(2, 3), decimalRate(1, 3), decimalRate(5, 5), decimalRate(0, 0)]).toEqual([
      '0.0438',
      '0.6667',
      '0.3333',
      '1.0000',
      '0.0000',
    ]);
  });
});

describe('funnel spec problems', () => {
  it('accept a valid spec', () => {
    expect(
      funnelSpecProblems({ ...signupFunnel, exclusions: [{ eventType: 'share', afterStep: 1, beforeStep: 3 }] }),
    ).toEqual([]);
  });

  it('name a first-step window, a repeated type and exclusions in an any-order funnel', () => {
    const spec: FunnelSpec = {
      order: 'any',
      steps: [
        { eventType: 'view', withinSeconds: 5 },
        { eventType: 'signup', withinSeconds: -1 },
        { eventType: 'view' },
      ],
      exclusions: [{ eventType: 'share', afterStep: 1, beforeStep: 2 }],
    };
    expect(funnelSpecProblems(spec).map((problem) => problem.field)).toEqual([
      'steps.0.withinSeconds',
      'steps.1.withinSeconds',
      'steps.2.eventType',
      'exclusions',
    ]);
  });

  it('name exclusion steps out of range or out of order', () => {
    const spec: FunnelSpec = {
      ...signupFunnel,
      exclusions: [
        { eventType: 'share', afterStep: 2, beforeStep: 2 },
        { eventType: 'share', afterStep: 0, beforeStep: 4 },
      ],
    };
    expect(funnelSpecProblems(spec).map((problem) => problem.field)).toEqual([
      'exclusions.0.beforeStep',
      'exclusions.1.afterStep',
      'exclusions.1.beforeStep',
    ]);
  });

  it('name a funnel of fewer than 2 or more than 10 steps', () => {
    const steps = (n: number) => Array.from({ length: n }, (_, i) => ({ eventType: `e${i}` }));
    expect(funnelSpecProblems({ order: 'ordered', steps: steps(1) })).toEqual([
      { field: 'steps', message: 'a funnel has 2 to 10 steps' },
    ]);
    expect(funnelSpecProblems({ order: 'ordered', steps: steps(11) }).map((problem) => problem.field)).toEqual([
      'steps',
    ]);
    expect(funnelSpecProblems({ order: 'ordered', steps: steps(10) })).toEqual([]);
  });
});
