import { describe, expect, it } from 'vitest';
import { BusinessRuleViolation, deciderSpec, TenantIsolationError, ValidationError } from '@bizosaas/ddd-kernel';
import { leadDecider, type LeadCommandUnion } from './lead-decider.ts';
import {
  contact,
  contacted,
  converted,
  created,
  customerId,
  disqualified,
  leadId,
  lost,
  metadata,
  now,
  qualified,
  score,
  tenantId,
  userId,
} from './lead-test-fixtures.ts';

const { givenEvents } = deciderSpec(leadDecider);
const cmd = <C extends LeadCommandUnion>(type: C['type'], data: Omit<C['data'], 'leadId'>) =>
  ({ type, data: { leadId, ...data }, metadata }) as C;

const capture = cmd('lead.capture', {
  contact,
  source: 'website_form',
  utmParameters: { utmCampaign: 'spring_promotion' },
  campaignId: null,
});
const contact_ = cmd('lead.contact', { channel: 'call', notes: null });
const qualify = cmd('lead.qualify', { score, method: 'manual', analysisId: null, notes: null });
const convert = cmd('lead.convert', { customerId, conversionValue: '5000', currency: 'USD' });
const disqualify = cmd('lead.disqualify', { reason: 'No budget' });
const markLost = cmd('lead.mark_lost', { reason: 'Went elsewhere' });
const rescore = cmd('lead.score', { score: { ...score, totalScore: 40 }, method: 'ai', analysisId: null });
const interaction = cmd('lead.record_interaction', { interactionId: customerId, kind: 'meeting', summary: 'Demo' });

const refused = (rule: string, message: string, currentStatus: string) =>
  new BusinessRuleViolation(rule, message, { currentStatus, leadId });

describe('lead decider: capture', () => {
  it('captures a new lead with contact, source and UTM parameters', () => givenEvents().when(capture).then([created]));
  it('ignores a repeated capture of the same lead', () => givenEvents(created).when(capture).thenNothingHappened());
  it('refuses an invalid e-mail with a field issue', () => {
    const bad = cmd('lead.capture', {
      contact: { ...contact, email: 'not-an-email' },
      source: 'manual',
      utmParameters: {},
      campaignId: null,
    });
    givenEvents().when(bad).thenThrows(ValidationError);
  });
  it('answers 404 tenant isolation for a command on a lead that does not exist', () =>
    givenEvents().when(qualify).then(new TenantIsolationError(tenantId)));
});

describe('lead decider: status transitions', () => {
  it('new -> contacted', () => givenEvents(created).when(contact_).then([contacted]));
  it('contacting a contacted lead again changes nothing', () =>
    givenEvents(created, contacted).when(contact_).thenNothingHappened());
  it('qualifies a new lead, recording who and when', () => givenEvents(created).when(qualify).then([qualified]));
  it('qualifies a contacted lead', () => givenEvents(created, contacted).when(qualify).then([qualified]));
  it('refuses to qualify a qualified lead', () =>
    givenEvents(created, qualified)
      .when(qualify)
      .then(refused('lead.qualify.requires_new_or_contacted', 'Cannot qualify a lead that is qualified', 'qualified')));
  it('refuses to contact a qualified lead', () =>
    givenEvents(created, qualified)
      .when(contact_)
      .then(refused('lead.contact.requires_new', 'Cannot contact a lead that is qualified', 'qualified')));
  it('converts a qualified lead with the value as canonical decimal money', () =>
    givenEvents(created, qualified).when(convert).then([converted]));
  it('refuses to convert a new lead (seed 000 example)', () =>
    givenEvents(created)
      .when(convert)
      .then(refused('lead.convert.requires_qualified', 'Cannot convert unqualified lead to customer', 'new')));
  it('refuses a second conversion', () =>
    givenEvents(created, qualified, converted)
      .when(convert)
      .then(refused('lead.convert.already_converted', 'Lead is already converted', 'converted')));
  it('refuses a negative or malformed conversion value through Money', () => {
    const bad = cmd('lead.convert', { customerId, conversionValue: '12.345678', currency: 'USD' });
    givenEvents(created, qualified).when(bad).thenThrows(ValidationError);
  });
});

describe('lead decider: disqualify and lose', () => {
  it.each([
    [[created], 'new'],
    [[created, contacted], 'contacted'],
    [[created, qualified], 'qualified'],
  ] as const)('disqualifies from an open state (%#)', (given, previousStatus) =>
    givenEvents(...given)
      .when(disqualify)
      .then([{ type: 'lead.disqualified', data: { reason: 'No budget', previousStatus } }]),
  );
  it('marks an open lead lost', () =>
    givenEvents(created, contacted)
      .when(markLost)
      .then([{ type: 'lead.lost', data: { reason: 'Went elsewhere', previousStatus: 'contacted' } }]));
  it.each([
    [[created, qualified, converted], 'converted'],
    [[created, disqualified], 'disqualified'],
    [[created, lost], 'lost'],
  ] as const)('nothing moves a closed lead (%#)', (given, status) => {
    for (const command of [contact_, qualify, convert, disqualify, markLost, rescore, interaction]) {
      expect(() =>
        givenEvents(...given)
          .when(command)
          .thenThrows(BusinessRuleViolation),
      ).not.toThrow();
    }
    givenEvents(...given)
      .when(disqualify)
      .then(refused('lead.disqualify.requires_open', `Cannot disqualify a lead that is ${status}`, status));
  });
});

describe('lead decider: scoring and interactions', () => {
  it('re-scores an open lead without changing its status', () =>
    givenEvents(created, contacted)
      .when(rescore)
      .then([{ type: 'lead.scored', data: { score: { ...score, totalScore: 40 }, method: 'ai', analysisId: null } }]));
  it('ignores the same score again', () =>
    givenEvents(created, {
      type: 'lead.scored',
      data: { score: { ...score, totalScore: 40 }, method: 'ai', analysisId: null },
    })
      .when(rescore)
      .thenNothingHappened());
  it('refuses a part outside 0-100', () => {
    const bad = cmd('lead.score', { score: { ...score, behavioralScore: 101 }, method: 'manual', analysisId: null });
    givenEvents(created).when(bad).thenThrows(ValidationError);
  });
  it('records an interaction at the command time by default', () =>
    givenEvents(created)
      .when(interaction)
      .then([
        {
          type: 'lead.interaction_recorded',
          data: { interactionId: customerId, kind: 'meeting', summary: 'Demo', interactedAt: now.toISOString() },
        },
      ]));
});

describe('lead evolve', () => {
  it('folds the flow into the state the API shows', () => {
    const state = [created, contacted, qualified, converted].reduce(leadDecider.evolve, leadDecider.initialState());
    expect(state).toMatchObject({
      status: 'converted',
      score,
      qualification: { qualifiedBy: userId, qualifiedAt: now.toISOString() },
      customerId,
      conversionValue: { amount: '5000.00', currency: 'USD' },
    });
  });

  it('holds only what each status means: no customer before conversion, the qualification kept when closed', () => {
    const open = [created, contacted].reduce(leadDecider.evolve, leadDecider.initialState());
    expect(open).not.toHaveProperty('customerId');
    expect(open).not.toHaveProperty('qualification');
    const disqualified = {
      type: 'lead.disqualified',
      data: { reason: 'No budget', previousStatus: 'qualified' },
    } as const;
    const closed = [created, qualified, disqualified].reduce(leadDecider.evolve, leadDecider.initialState());
    expect(closed).toMatchObject({
      status: 'disqualified',
      closedReason: 'No budget',
      qualification: { qualifiedBy: userId },
    });
    expect(closed).not.toHaveProperty('conversionValue');
  });
});

describe('lead decider: contact details', () => {
  const newContact = { ...contact, email: 'JOHN.NEW@example.com', jobTitle: 'CMO' };
  const update = cmd('lead.update_contact', { contact: newContact });
  const updated = {
    type: 'lead.contact_updated',
    data: { contact: { ...newContact, email: 'john.new@example.com' } },
  } as const;
  it("replaces an open lead's contact (e-mail normalised)", () =>
    givenEvents(created, contacted).when(update).then([updated]));
  it('the same contact again changes nothing', () => givenEvents(created, updated).when(update).thenNothingHappened());
  it('refuses a converted lead', () =>
    givenEvents(created, qualified, converted)
      .when(update)
      .then(
        refused(
          'lead.update_contact.requires_open',
          'Cannot change the contact of a lead that is converted',
          'converted',
        ),
      ));
  it('refuses an invalid e-mail', () =>
    givenEvents(created)
      .when(cmd('lead.update_contact', { contact: { ...contact, email: 'nope' } }))
      .thenThrows(ValidationError));
});
