import { describe, expect, it } from 'vitest';
import { ValidationError } from '@bizosaas/ddd-kernel';
import { awsAppFlowSample, salesforceAppFlowEvent, salesforceCdcEvent } from '../testing/salesforce-events.ts';
import { translateNotification } from './crm-adapters.ts';

const issuesOf = (provider: keyof typeof translateNotification, body: unknown) => {
  try {
    translateNotification[provider](body);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details.issues as { path: string; message: string }[];
  }
  throw new Error('expected a validation error');
};

const hubspotEvent = (over: Record<string, unknown> = {}) => ({
  eventId: 3816279340,
  subscriptionId: 25,
  portalId: 33,
  appId: 1160452,
  occurredAt: 1763803800000,
  subscriptionType: 'contact.propertyChange',
  attemptNumber: 0,
  objectId: 1246965,
  changeSource: 'CRM',
  propertyName: 'email',
  propertyValue: 'Jane@Example.com',
  ...over,
});

const pipedriveBody = (
  over: Record<string, unknown> = {},
  data: Record<string, unknown> | null = {
    id: 42,
    first_name: 'Linus',
    last_name: 'Torvalds',
    emails: [
      { value: 'old@example.com', primary: false },
      { value: 'linus@example.com', primary: true },
    ],
    phones: [{ value: '+1 503 555 0199', primary: true }],
  },
) => ({
  meta: {
    action: 'create',
    entity: 'person',
    entity_id: '42',
    id: '1f1a0b8e-2b6c-4e0a-9d6b-0e6c1a2b3c4d',
    timestamp: '2026-11-22T09:30:00.123Z',
    version: '2.0',
    company_id: '1234',
    ...over,
  },
  data,
  previous: null,
});

describe('salesforce adapter', () => {
  it('one notification per EventBridge event, one change per record id, compound Name read', () => {
    const event = salesforceCdcEvent({
      recordIds: ['00Q5g00000AbCdEAAA', '00Q5g00000AbCdFAAA'],
      payload: { Name: { FirstName: 'A', LastName: 'B' }, Email: 'a@b.co', Status: 'Closed - Not Converted' },
    });
    const [n] = translateNotification.salesforce(event);
    expect(n).toMatchObject({
      externalEventId: event.id,
      eventType: 'LeadChangeEvent',
      entity: 'Lead',
      changeType: 'create',
      occurredAt: '2026-11-22T09:29:58.000Z',
    });
    expect(n!.changes.map((c) => c.externalId)).toEqual(['00Q5g00000AbCdEAAA', '00Q5g00000AbCdFAAA']);
    expect(n!.changes[0]).toMatchObject({
      target: 'lead',
      refetch: false,
      fields: {
        firstName: 'A',
        lastName: 'B',
        email: 'a@b.co',
        status: 'Closed - Not Converted',
        stage: 'disqualified',
      },
    });
  });

  it('gap and undelete events carry no state: the record is read again', () => {
    for (const changeType of ['GAP_CREATE', 'GAP_UPDATE', 'UNDELETE']) {
      const [n] = translateNotification.salesforce(
        salesforceCdcEvent({ changeType, recordIds: ['00Q5g00000AbCdEAAA'], payload: { Email: 'ignored@b.co' } }),
      );
      expect(n!.changes[0]).toMatchObject({ refetch: true, fields: {} });
    }
  });

  it('nulledFields clear fields the payload does not carry', () => {
    const [n] = translateNotification.salesforce(
      salesforceCdcEvent({
        changeType: 'UPDATE',
        recordIds: ['00Q5g00000AbCdEAAA'],
        payload: {},
        nulledFields: ['Phone', 'Name.FirstName'],
      }),
    );
    expect(n!.changes[0]!.fields).toEqual({ phone: null, firstName: null });
  });

  it('reads the AppFlow shape (change event directly in detail) exactly as the Event Relay shape', () => {
    const options = {
      changeType: 'UPDATE',
      recordIds: ['00Q5g00000AbCdEAAA'],
      payload: { Name: { FirstName: 'A' }, Title: 'CTO' },
      nulledFields: ['Phone'],
    };
    const relay = salesforceCdcEvent(options);
    const appFlow = { ...salesforceAppFlowEvent(options), id: relay.id, detail: relay.detail.payload };
    const [fromAppFlow] = translateNotification.salesforce(appFlow);
    const [fromRelay] = translateNotification.salesforce(relay);
    expect({ ...fromAppFlow, occurredAtField: 'detail.payload.ChangeEventHeader.commitTimestamp' }).toEqual(fromRelay);
    expect(fromAppFlow!.occurredAtField).toBe('detail.ChangeEventHeader.commitTimestamp');
    expect(translateNotification.salesforce(appFlow)[0]!.changes[0]!.fields).toEqual({
      firstName: 'A',
      jobTitle: 'CTO',
      phone: null,
    });
  });

  it("accepts AWS's documented AppFlow sample; an Account is not ingested, so it carries no changes", () => {
    const [n] = translateNotification.salesforce(awsAppFlowSample);
    expect(n).toEqual({
      externalEventId: '5c42b99e-e005-43b3-c744-07990c50d2cc',
      eventType: 'AccountChangeEvent',
      entity: 'Account',
      changeType: 'update',
      occurredAt: '2020-08-20T18:25:35.000Z',
      occurredAtField: 'detail.ChangeEventHeader.commitTimestamp',
      changes: [],
    });
  });

  it('names the AppFlow paths of an AppFlow body that is invalid', () => {
    const header = { ...awsAppFlowSample.detail.ChangeEventHeader, recordIds: [] };
    expect(
      issuesOf('salesforce', {
        ...awsAppFlowSample,
        source: 'aws.partner/appflow/hubspot.com/1',
        detail: { ChangeEventHeader: header },
      })
        .map((i) => i.path)
        .sort(),
    ).toEqual(['detail.ChangeEventHeader.recordIds', 'source']);
  });

  it('lists every problem of a body that is not an EventBridge event', () => {
    expect(
      issuesOf('salesforce', { detail: {} })
        .map((i) => i.path)
        .sort(),
    ).toEqual([
      'account',
      'detail-type',
      'detail.ChangeEventHeader',
      'id',
      'region',
      'resources',
      'source',
      'time',
      'version',
    ]);
  });
});

describe('hubspot adapter', () => {
  it('each event of the batch is a notification; a property change carries that one field', () => {
    const notifications = translateNotification.hubspot([
      hubspotEvent(),
      hubspotEvent({ eventId: 2, propertyName: 'hs_lead_status', propertyValue: 'UNQUALIFIED' }),
      hubspotEvent({
        eventId: 3,
        subscriptionType: 'contact.creation',
        propertyName: undefined,
        propertyValue: undefined,
      }),
      hubspotEvent({
        eventId: 4,
        subscriptionType: 'contact.deletion',
        propertyName: undefined,
        propertyValue: undefined,
      }),
    ]);
    expect(notifications.map((n) => [n.externalEventId, n.changeType])).toEqual([
      ['33:3816279340', 'update'],
      ['33:2', 'update'],
      ['33:3', 'create'],
      ['33:4', 'delete'],
    ]);
    expect(notifications[0]!.changes[0]).toMatchObject({
      target: 'lead',
      entity: 'contact',
      externalId: '1246965',
      fields: { email: 'Jane@Example.com' },
      refetch: false,
    });
    expect(notifications[1]!.changes[0]!.fields).toEqual({ status: 'UNQUALIFIED', stage: 'disqualified' });
    expect(notifications[2]!.changes[0]).toMatchObject({ refetch: true, fields: {} });
  });

  it('refuses an empty batch, an unknown subscription and a property change without its property, listing each', () => {
    expect(issuesOf('hubspot', [])).toEqual([expect.objectContaining({ path: '' })]);
    const issues = issuesOf('hubspot', [
      hubspotEvent({ subscriptionType: 'deal.creation' }),
      hubspotEvent({ propertyName: undefined, objectId: 'x' }),
    ]);
    expect(issues.map((i) => i.path).sort()).toEqual(['0.subscriptionType', '1.objectId']);
    expect(issuesOf('hubspot', [hubspotEvent({ propertyName: undefined })]).map((i) => i.path)).toEqual([
      '0.propertyName',
    ]);
  });
});

describe('pipedrive adapter (webhooks v2)', () => {
  it('a created person carries its state: primary e-mail and phone', () => {
    const [n] = translateNotification.pipedrive(pipedriveBody());
    expect(n).toMatchObject({
      externalEventId: '1f1a0b8e-2b6c-4e0a-9d6b-0e6c1a2b3c4d',
      eventType: 'create.person',
      changeType: 'create',
    });
    expect(n!.changes[0]).toEqual({
      target: 'lead',
      entity: 'person',
      externalId: '42',
      changeType: 'create',
      refetch: false,
      fields: { firstName: 'Linus', lastName: 'Torvalds', email: 'linus@example.com', phone: '+1 503 555 0199' },
    });
  });

  it('a deleted person is a delete; an archived one reads as inactive', () => {
    expect(translateNotification.pipedrive(pipedriveBody({ action: 'delete' }, null))[0]!.changes[0]).toMatchObject({
      changeType: 'delete',
      fields: {},
    });
    const [n] = translateNotification.pipedrive(
      pipedriveBody({ action: 'change' }, { id: 42, first_name: 'L', active_flag: false }),
    );
    expect(n!.changes[0]!.fields).toMatchObject({ status: 'inactive' });
  });

  it('refuses other entities and webhook versions, listing each', () => {
    expect(
      issuesOf('pipedrive', pipedriveBody({ entity: 'deal', version: '1.0', entity_id: 'abc' }))
        .map((i) => i.path)
        .sort(),
    ).toEqual(['meta.entity', 'meta.entity_id', 'meta.version']);
  });
});
