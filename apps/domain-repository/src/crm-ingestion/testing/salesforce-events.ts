import { randomUUID } from 'node:crypto';

let sequence = 0;
/** A 18-character Salesforce id with the object's key prefix (00Q lead, 003 contact). */
export const salesforceId = (prefix: '00Q' | '003') =>
  `${prefix}${randomUUID().replace(/-/g, '').slice(0, 12)}AAA`.slice(0, 18);

/** An AWS EventBridge event carrying a Salesforce change data capture event (Event Relay). */
export function salesforceCdcEvent(options: {
  entityName?: string;
  changeType?: string;
  recordIds: string[];
  payload?: Record<string, unknown>;
  changedFields?: string[];
  nulledFields?: string[];
}) {
  const entityName = options.entityName ?? 'Lead';
  sequence += 1;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': `${entityName}ChangeEvent`,
    source: 'aws.partner/salesforce.com/00D5g000004SkMxEAK/0YLRM0000004CKM4A2',
    account: '123456789012',
    time: '2026-11-22T09:30:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: {
      payload: {
        ChangeEventHeader: {
          entityName,
          recordIds: options.recordIds,
          changeType: options.changeType ?? 'CREATE',
          changeOrigin: 'com/salesforce/api/rest/62.0',
          transactionKey: `0001e0${sequence.toString(16).padStart(6, '0')}-79f4-4b2d-9c1e-3c3718bd6308`,
          sequenceNumber: 1,
          commitTimestamp: Date.parse('2026-11-22T09:29:58Z'),
          commitNumber: 11640000000 + sequence,
          commitUser: '005RM000001hv4SYAQ',
          changedFields: options.changedFields ?? [],
          nulledFields: options.nulledFields ?? [],
          diffFields: [],
        },
        ...options.payload,
      },
      schemaId: 'I8b-dYxvxs5wOtCBr4qsew',
      id: randomUUID(),
    },
  };
}

/** The fields a Lead CREATE event carries (CDC nests the compound Name). */
export const cdcLeadPayload = (email: string, extra: Record<string, unknown> = {}) => ({
  Name: { FirstName: 'Grace', LastName: 'Hopper' },
  Email: email,
  Company: 'Navy Labs',
  Title: 'Rear Admiral',
  Phone: '+1 202 555 0100',
  Status: 'Open - Not Contacted',
  LeadSource: 'Web',
  CreatedDate: '2026-11-22T09:29:58.000Z',
  ...extra,
});

/**
 * The same change as Amazon AppFlow delivers it to EventBridge: the header and the mapped fields
 * directly in `detail` (AppFlow passes only the fields its flow maps, flat or compound).
 */
export function salesforceAppFlowEvent(options: Parameters<typeof salesforceCdcEvent>[0]) {
  const relay = salesforceCdcEvent(options);
  return {
    ...relay,
    source: 'aws.partner/appflow/salesforce.com/123456789012/bizosaas-leads',
    detail: relay.detail.payload,
  };
}

/** AWS's documented example of a Salesforce event received through AppFlow (EventBridge user guide, "Receiving events from Salesforce"). */
export const awsAppFlowSample = {
  version: '0',
  id: '5c42b99e-e005-43b3-c744-07990c50d2cc',
  'detail-type': 'AccountChangeEvent',
  source: 'aws.partner/appflow.test/salesforce.com/364228160620/CustomSF-Source-Final',
  account: '000000000',
  time: '2020-08-20T18:25:51Z',
  region: 'us-west-2',
  resources: [],
  detail: {
    ChangeEventHeader: {
      commitNumber: 248197218874,
      commitUser: '0056g000003XW7AAAW',
      sequenceNumber: 1,
      entityName: 'Account',
      changeType: 'UPDATE',
      changedFields: ['LastModifiedDate', 'Region__c'],
      changeOrigin: 'com/salesforce/api/soap/49.0;client=SfdcInternalAPI/',
      transactionKey: '000035af-b239-0581-9f14-461e4187de11',
      commitTimestamp: 1597947935000,
      recordIds: ['0016g00000MLhLeAAL'],
    },
    LastModifiedDate: '2020-08-20T18:25:35.000Z',
    Region__c: 'America',
  },
};
