import { describe, expect, it } from 'vitest';
import { BusinessRuleViolation, deciderSpec, TenantIsolationError } from '@bizosaas/ddd-kernel';
import { leadDecider } from '../lead-decider.ts';
import {
  contacted,
  converted,
  created,
  disqualified,
  leadId,
  lost,
  metadata,
  now,
  qualified,
  tenantId,
} from '../lead-test-fixtures.ts';
import type { LeadEvent } from '../lead.ts';
import { leadView } from '../lead-view.ts';
import type { MarkLeadForNurturing } from './mark-lead-for-nurturing.ts';

const { givenEvents } = deciderSpec(leadDecider);
const analysisId = '0192f5a3-9d2e-7c4b-8a11-000000000010';
const byScore: MarkLeadForNurturing = {
  type: 'lead.mark_for_nurturing',
  data: { leadId, reason: 'score_below_threshold', totalScore: 52, threshold: 70, analysisId },
  metadata,
};
const byHand: MarkLeadForNurturing = {
  type: 'lead.mark_for_nurturing',
  data: { leadId, reason: 'manual', totalScore: null, threshold: null, analysisId: null },
  metadata,
};
const marked = {
  type: 'lead.marked_for_nurturing',
  data: { reason: 'score_below_threshold', totalScore: 52, threshold: 70, analysisId, markedAt: now.toISOString() },
} as const satisfies LeadEvent;
const refused = (currentStatus: string) =>
  new BusinessRuleViolation(
    'lead.nurture.requires_new_or_contacted',
    `Cannot nurture a lead that is ${currentStatus}`,
    { currentStatus, leadId },
  );

describe('mark lead for nurturing: decide', () => {
  it('marks a new lead whose score fell below the threshold, with the score, threshold and analysis', () =>
    givenEvents(created).when(byScore).then([marked]));
  it('marks a contacted lead by hand, with no score', () =>
    givenEvents(created, contacted)
      .when(byHand)
      .then([
        {
          type: 'lead.marked_for_nurturing',
          data: { reason: 'manual', totalScore: null, threshold: null, analysisId: null, markedAt: now.toISOString() },
        },
      ]));
  it('a lead already in nurturing stays as it is: no event', () =>
    givenEvents(created, marked).when(byHand).thenNothingHappened());
  it.each([
    [[created, qualified], 'qualified'],
    [[created, qualified, converted], 'converted'],
    [[created, disqualified], 'disqualified'],
    [[created, lost], 'lost'],
  ] as const)('refuses a lead past nurturing (%#)', (given, status) =>
    givenEvents(...given)
      .when(byScore)
      .then(refused(status)),
  );
  it('answers 404 tenant isolation for a lead that does not exist', () =>
    givenEvents().when(byScore).then(new TenantIsolationError(tenantId)));
});

describe('nurturing in the lead state and view', () => {
  const fold = (...events: LeadEvent[]) => events.reduce(leadDecider.evolve, leadDecider.initialState());

  it('shows the lead in nurturing since the mark, kept when the lead is contacted', () => {
    const view = leadView(fold(created, marked, contacted), leadId, 3);
    expect(view).toMatchObject({ status: 'contacted', nurturing: true, nurturingSince: now.toISOString() });
  });
  it.each([
    ['qualification', qualified],
    ['loss', lost],
    ['disqualification', disqualified],
  ] as const)('%s ends nurturing', (_, ending) => {
    expect(leadView(fold(created, marked, ending), leadId, 3)).toMatchObject({
      nurturing: false,
      nurturingSince: null,
    });
  });
  it('a lead never marked is not in nurturing', () => {
    expect(leadView(fold(created), leadId, 1)).toMatchObject({ nurturing: false, nurturingSince: null });
  });
});
