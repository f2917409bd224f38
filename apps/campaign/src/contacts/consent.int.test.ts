import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { eventually, expect, startTestApp, type TestApp } from '../test-support.ts';
import { publishAll, streamOf } from './contact-test-events.ts';
import { contactsFeature } from './contacts-feature.ts';

describe("a customer's communication preferences", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { features: [contactsFeature] });
  });
  afterAll(async () => t?.close());

  it('are kept from customer.created and replaced by customer.preferences_updated; a lead states none', async () => {
    const tenantId = randomUUID();
    const customer = streamOf(tenantId, [
      ['customer.created', { preferences: { email: true, sms: false, phone: false, marketing: true } }],
      ['customer.preferences_updated', { preferences: { email: true, sms: true, phone: false, marketing: false } }],
    ]);
    const [lead] = streamOf(tenantId, [['lead.created']]);
    await publishAll(t, [customer[0]!, lead!]);
    const consentOf = async (contactId: string) =>
      (
        await t.worker.query('SELECT consent, version FROM contacts WHERE tenant_id = $1 AND contact_id = $2', [
          tenantId,
          contactId,
        ])
      ).rows[0];
    const created = await eventually(
      () => consentOf(customer[0]!.aggregateId),
      (row) => expect(row?.version).toBe(1),
    );
    expect(created.consent).toEqual({ email: true, sms: false, phone: false, marketing: true });
    await publishAll(t, [customer[1]!]);
    const updated = await eventually(
      () => consentOf(customer[0]!.aggregateId),
      (row) => expect(row?.version).toBe(2),
    );
    expect(updated.consent).toEqual({ email: true, sms: true, phone: false, marketing: false });
    const leadRow = await eventually(
      () => consentOf(lead!.aggregateId),
      (row) => expect(row).toBeDefined(),
    );
    expect(leadRow.consent).toBeNull();
  });
});
