import { describe, expect, it } from 'vitest';
import { planBody } from '../plans/plan-schema.ts';
import { summariseJourneys } from './summarise-journeys.ts';
import { assumedWinners, walkRecipient, type Horizon, type RecipientHistory } from './walk-recipient.ts';

const FROM = new Date('2026-12-07T09:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SEALED = 'enc:v1:1:c2VhbGVkIGFkZHJlc3M=';

const stepsOf = (steps: object[]) => planBody.parse({ audience: { filter: {} }, steps }).steps;
const email = (id: string, extra: object = {}) => ({ type: 'send', id, channel: 'email', templateKey: id, ...extra });
const wait = (id: string, hours: number) => ({ type: 'wait', id, hours });

function recipient(fields: Partial<RecipientHistory> = {}): RecipientHistory {
  return {
    contactId: '00000000-0000-4000-8000-000000000001',
    contactKind: 'lead',
    email: 'ann@example.com',
    phone: null,
    timezone: null,
    consent: null,
    marketingSendsAt: [],
    opens: false,
    clicks: false,
    converts: false,
    ...fields,
  };
}

function horizon(fields: Partial<Horizon> = {}): Horizon {
  return { from: FROM, until: new Date(FROM.getTime() + 30 * DAY), cap: undefined, winners: new Map(), ...fields };
}

const before = (ms: number) => FROM.getTime() - ms;
const twoEmails = stepsOf([email('promo'), wait('pause', 24), email('reminder')]);

describe('walking a recipient through a plan over recorded history', () => {
  it('sends every step, the waits moving the clock, when nothing caps it', () => {
    expect(walkRecipient(twoEmails, recipient(), horizon())).toEqual({
      contactId: recipient().contactId,
      path: ['promo', 'reminder'],
      skipped: [],
    });
  });

  it('counts recorded sends of other campaigns and its own simulated ones against the cap', () => {
    const cap = { maxMessages: 2, windowDays: 7 };
    const recorded = recipient({ marketingSendsAt: [before(DAY)] });
    expect(walkRecipient(twoEmails, recorded, horizon({ cap }))).toMatchObject({
      path: ['promo'],
      skipped: [{ stepId: 'reminder', reason: 'capped' }],
    });
    const old = recipient({ marketingSendsAt: [before(8 * DAY)] });
    expect(walkRecipient(twoEmails, old, horizon({ cap })).path).toEqual(['promo', 'reminder']);
  });

  it('lets the window slide past a recorded send while the plan waits', () => {
    const cap = { maxMessages: 1, windowDays: 7 };
    const history = recipient({ marketingSendsAt: [before(6.5 * DAY)] });
    expect(walkRecipient(twoEmails, history, horizon({ cap }))).toMatchObject({
      path: ['reminder'],
      skipped: [{ stepId: 'promo', reason: 'capped' }],
    });
  });

  it('never caps transactional sends, which do not count either', () => {
    const cap = { maxMessages: 1, windowDays: 7 };
    const steps = stepsOf([email('receipt', { category: 'transactional' }), email('promo')]);
    const history = recipient({ marketingSendsAt: [before(HOUR)] });
    expect(walkRecipient(steps, history, horizon({ cap }))).toMatchObject({
      path: ['receipt'],
      skipped: [{ stepId: 'promo', reason: 'capped' }],
    });
  });

  it('skips a step without a plain address on its channel and goes on', () => {
    const steps = stepsOf([email('promo'), { type: 'send', id: 'text', channel: 'sms', templateKey: 'text' }]);
    const sealed = recipient({ email: SEALED, phone: '+4915112345678' });
    expect(walkRecipient(steps, sealed, horizon())).toMatchObject({
      path: ['text'],
      skipped: [{ stepId: 'promo', reason: 'no_address' }],
    });
    expect(walkRecipient(steps, recipient(), horizon())).toMatchObject({
      path: ['promo'],
      skipped: [{ stepId: 'text', reason: 'no_address' }],
    });
  });

  const branching = stepsOf([
    email('promo'),
    { type: 'branch', id: 'opened', on: 'opened', withinHours: 48, then: 'thanks', otherwise: 'nudge' },
    email('thanks'),
    { type: 'branch', id: 'stop', on: 'opened', withinHours: 0, then: null, otherwise: null },
    email('nudge'),
  ]);

  it('takes a branch by recorded behaviour: openers at once, others when the window ends', () => {
    expect(walkRecipient(branching, recipient({ opens: true }), horizon()).path).toEqual(['promo', 'thanks']);
    expect(walkRecipient(branching, recipient(), horizon()).path).toEqual(['promo', 'nudge']);
    const short = horizon({ until: new Date(FROM.getTime() + DAY) });
    expect(walkRecipient(branching, recipient(), short).path).toEqual(['promo']);
  });

  it('decides click and conversion branches the same way', () => {
    const steps = stepsOf([
      email('promo'),
      { type: 'branch', id: 'bought', on: 'converted', withinHours: 24, then: 'welcome', otherwise: null },
      email('welcome'),
      { type: 'branch', id: 'clicked', on: 'clicked', withinHours: 24, then: 'offer', otherwise: null },
      email('offer'),
    ]);
    expect(walkRecipient(steps, recipient({ converts: true }), horizon()).path).toEqual(['promo', 'welcome']);
    const both = recipient({ converts: true, clicks: true });
    expect(walkRecipient(steps, both, horizon()).path).toEqual(['promo', 'welcome', 'offer']);
    expect(walkRecipient(steps, recipient({ clicks: true }), horizon()).path).toEqual(['promo']);
  });

  it('stops at the horizon: a step due after it is not sent', () => {
    const steps = stepsOf([email('promo'), wait('week', 24 * 7), email('later')]);
    expect(walkRecipient(steps, recipient(), horizon({ until: new Date(FROM.getTime() + 6 * DAY) })).path).toEqual([
      'promo',
    ]);
  });

  it("sends an A/B step to everyone, taking the first variant as the winner for the test's rest", () => {
    const abTest = {
      variants: [
        { key: 'a', templateKey: 'promo-a' },
        { key: 'b', templateKey: 'promo-b' },
      ],
      testShare: 0.2,
      metric: 'open_rate',
      waitHours: 4,
    };
    const steps = stepsOf([email('promo', { abTest })]);
    expect(assumedWinners(steps)).toEqual(new Map([['promo', 'a']]));
    expect(walkRecipient(steps, recipient(), horizon({ winners: assumedWinners(steps) })).path).toEqual(['promo']);
  });
});

describe('summarising journeys', () => {
  it('counts recipients reached, messages and each send step in the plan order', () => {
    const cap = { maxMessages: 1, windowDays: 7 };
    const journeys = [
      walkRecipient(twoEmails, recipient(), horizon({ cap })),
      walkRecipient(twoEmails, recipient({ email: null }), horizon({ cap })),
      walkRecipient(twoEmails, recipient({ marketingSendsAt: [before(HOUR)] }), horizon({ cap })),
    ];
    expect(summariseJourneys(twoEmails, journeys)).toEqual({
      reached: 1,
      messages: 1,
      byStep: [
        { stepId: 'promo', wouldSend: 1, capped: 1, noAddress: 1, noConsent: 0 },
        { stepId: 'reminder', wouldSend: 0, capped: 2, noAddress: 1, noConsent: 0 },
      ],
      sample: journeys,
    });
  });
});
