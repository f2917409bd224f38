import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '@bizosaas/ddd-kernel';
import { leadDecider, type LeadCommandUnion } from './lead-decider.ts';
import { leadStream, nurturingOf, type LeadEvent, type LeadState } from './lead.ts';
import { readBack, snapshotRoundTrip } from '../write-side/stored-round-trip.ts';
import { contact, customerId, leadId, metadata, score } from './lead-test-fixtures.ts';

const commands: LeadCommandUnion[] = [
  { type: 'lead.capture', data: { leadId, contact, source: 'manual', utmParameters: {}, campaignId: null }, metadata },
  { type: 'lead.contact', data: { leadId, channel: 'email', notes: null }, metadata },
  { type: 'lead.score', data: { leadId, score, method: 'ai', analysisId: null }, metadata },
  { type: 'lead.qualify', data: { leadId, score, method: 'manual', analysisId: null, notes: null }, metadata },
  { type: 'lead.disqualify', data: { leadId, reason: 'x' }, metadata },
  { type: 'lead.mark_lost', data: { leadId, reason: 'x' }, metadata },
  {
    type: 'lead.record_interaction',
    data: { leadId, interactionId: customerId, kind: 'call', summary: 's' },
    metadata,
  },
  { type: 'lead.convert', data: { leadId, customerId, conversionValue: '10', currency: 'USD' }, metadata },
  { type: 'lead.update_contact', data: { leadId, contact: { ...contact, jobTitle: 'CMO' } }, metadata },
  {
    type: 'lead.mark_for_nurturing',
    data: { leadId, reason: 'score_below_threshold', totalScore: 40, threshold: 70, analysisId: null },
    metadata,
  },
];

/** Runs commands in order, keeping refused ones out (as the API would answer 4xx and store nothing). */
function run(sequence: LeadCommandUnion[]) {
  let state: LeadState = leadDecider.initialState();
  const history: { before: LeadState['status']; events: readonly LeadEvent[] }[] = [];
  for (const command of sequence) {
    try {
      const events = leadDecider.decide(command, state);
      history.push({ before: state.status, events });
      state = events.reduce(leadDecider.evolve, state);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
  }
  return { state, history };
}

describe('lead invariants (any command sequence)', () => {
  const sequences = fc.array(fc.constantFrom(...commands), { maxLength: 30 });

  it('a conversion only ever follows qualified, and happens at most once', () =>
    fc.assert(
      fc.property(sequences, (sequence) => {
        const { history } = run(sequence);
        const conversions = history.filter((step) => step.events.some((e) => e.type === 'lead.converted'));
        expect(conversions.length).toBeLessThanOrEqual(1);
        for (const step of conversions) expect(step.before).toBe('qualified');
      }),
    ));

  it('nothing is ever emitted for a converted, disqualified or lost lead', () =>
    fc.assert(
      fc.property(sequences, (sequence) => {
        const { history } = run(sequence);
        for (const step of history) {
          if (['converted', 'disqualified', 'lost'].includes(step.before)) expect(step.events).toEqual([]);
        }
      }),
    ));

  it('the events read back from the store (JSON, parsed and upcast by their schemas) are the events decided', () =>
    fc.assert(
      fc.property(sequences, (sequence) => {
        const decided = run(sequence).history.flatMap((step) => step.events);
        expect(readBack(decided, metadata.now, leadId)).toStrictEqual(decided);
      }),
    ));

  it('a snapshot of any state reached loads back as that state', () =>
    fc.assert(
      fc.property(sequences, (sequence) => {
        const { state } = run(sequence);
        expect(snapshotRoundTrip(leadStream, state)).toStrictEqual(state);
      }),
    ));

  it('every stream starts with lead.created', () =>
    fc.assert(
      fc.property(sequences, (sequence) => {
        const events = run(sequence).history.flatMap((step) => step.events);
        if (events.length > 0) expect(events[0]!.type).toBe('lead.created');
      }),
    ));

  it('a lead is marked for nurturing at most once, from new or contacted, and is in nurturing only while it is one of them', () =>
    fc.assert(
      fc.property(sequences, (sequence) => {
        const { state, history } = run(sequence);
        const marks = history.filter((step) => step.events.some((e) => e.type === 'lead.marked_for_nurturing'));
        expect(marks.length).toBeLessThanOrEqual(1);
        for (const step of marks) expect(['new', 'contacted']).toContain(step.before);
        if (state.status !== 'none' && nurturingOf(state) !== null)
          expect(['new', 'contacted']).toContain(state.status);
      }),
    ));
});
