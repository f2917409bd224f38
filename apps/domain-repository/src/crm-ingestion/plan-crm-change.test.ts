import { describe, expect, it } from 'vitest';
import type { CustomerState } from '../customer/customer.ts';
import type { LeadState } from '../lead/lead.ts';
import type { CrmChange } from './crm-change.ts';
import { planCrmChange } from './plan-crm-change.ts';

const none = { status: 'none' } as const;
const contact = {
  email: 'a@example.com',
  firstName: 'Ann',
  lastName: 'Lee',
  phone: null,
  company: 'Acme',
  jobTitle: null,
};
const openLead = { status: 'contacted', contact } as unknown as LeadState;
const change = (over: Partial<CrmChange>): CrmChange => ({
  target: 'lead',
  entity: 'Lead',
  externalId: '00Q',
  changeType: 'update',
  fields: {},
  refetch: false,
  ...over,
});

describe('planCrmChange', () => {
  it('captures a record not seen before, as a crm_import lead (a disqualified one is closed at once)', () => {
    expect(
      planCrmChange(
        'salesforce',
        change({
          changeType: 'create',
          fields: { email: 'a@example.com', stage: 'disqualified', status: 'Closed - Not Converted' },
        }),
        none,
      ),
    ).toEqual({
      kind: 'apply',
      commands: [
        {
          type: 'lead.capture',
          data: {
            contact: { ...contact, firstName: null, lastName: null, company: null },
            source: 'crm_import',
            utmParameters: {},
            campaignId: null,
          },
        },
        { type: 'lead.disqualify', data: { reason: 'Disqualified in salesforce (status "Closed - Not Converted")' } },
      ],
    });
  });

  it('keeps dormant records (inactive, pending, draft) out, whatever their case', () => {
    for (const status of ['inactive', 'Pending', ' DRAFT ']) {
      expect(planCrmChange('hubspot', change({ changeType: 'create', fields: { status } }), none)).toEqual({
        kind: 'skip',
        reason: `status "${status}" is not broadcast (seed 004)`,
      });
    }
  });

  it('merges an update over the current contact: absent fields kept, null clears', () => {
    expect(
      planCrmChange('salesforce', change({ fields: { email: 'b@example.com', company: null } }), openLead),
    ).toEqual({
      kind: 'apply',
      commands: [
        { type: 'lead.update_contact', data: { contact: { ...contact, email: 'b@example.com', company: null } } },
      ],
    });
    expect(
      planCrmChange('salesforce', change({ fields: { status: 'Working - Contacted', stage: 'contacted' } }), openLead),
    ).toEqual({ kind: 'skip', reason: 'no field this platform keeps changed' });
  });

  it('a deletion loses an open lead, is ignored for a closed one and never deletes a customer', () => {
    expect(planCrmChange('pipedrive', change({ changeType: 'delete' }), openLead)).toEqual({
      kind: 'apply',
      commands: [{ type: 'lead.mark_lost', data: { reason: 'Deleted in pipedrive' } }],
    });
    expect(
      planCrmChange('pipedrive', change({ changeType: 'delete' }), { ...openLead, status: 'converted' } as LeadState)
        .kind,
    ).toBe('skip');
    expect(planCrmChange('pipedrive', change({ changeType: 'delete' }), none)).toEqual({
      kind: 'skip',
      reason: 'not known here: nothing to delete',
    });
    const customer = { status: 'active', profile: { email: 'c@example.com' } } as unknown as CustomerState;
    expect(planCrmChange('salesforce', change({ target: 'customer', changeType: 'delete' }), customer).kind).toBe(
      'skip',
    );
  });

  it('creates a customer from a record not seen, and replaces the profile keeping what the CRM does not hold', () => {
    const created = planCrmChange(
      'salesforce',
      change({
        target: 'customer',
        entity: 'Contact',
        changeType: 'create',
        fields: { email: 'c@example.com', company: 'Acme' },
      }),
      none,
    );
    expect(created).toEqual({
      kind: 'apply',
      commands: [
        {
          type: 'customer.create',
          data: {
            profile: {
              email: 'c@example.com',
              firstName: null,
              lastName: null,
              phone: null,
              companyName: 'Acme',
              industry: null,
              annualRevenue: null,
            },
          },
        },
      ],
    });
    const customer = {
      status: 'active',
      profile: {
        email: 'c@example.com',
        firstName: 'C',
        lastName: null,
        phone: null,
        companyName: 'Acme',
        industry: 'Retail',
        annualRevenue: '100.00',
      },
    } as unknown as CustomerState;
    expect(planCrmChange('salesforce', change({ target: 'customer', fields: { lastName: 'Doe' } }), customer)).toEqual({
      kind: 'apply',
      commands: [
        {
          type: 'customer.update_profile',
          data: {
            profile: {
              email: 'c@example.com',
              firstName: 'C',
              lastName: 'Doe',
              phone: null,
              companyName: 'Acme',
              industry: 'Retail',
              annualRevenue: '100.00',
            },
          },
        },
      ],
    });
  });
});
