// The campaign journey through the gateway ("Done when" of the campaign issue): a tenant's new
// leads, an email template, and a campaign whose plan targets status `new` launched through
// domain-repository; each lead gets exactly one email in the SMTP sink, a pause stops the rest
// and a resume continues where it stopped; three overlapping campaigns under a cap of 2 per 7 days
// deliver exactly 2 messages per recipient.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCampaignPlatform, type CampaignPlatform } from './campaign-platform.ts';
import { createOwnDatabase, type OwnDatabase } from './own-database.ts';
import { eventually } from './processes.ts';

// A database of the platform's own: another test's campaign service would dispatch this one's rounds.
let database: OwnDatabase;
let p: CampaignPlatform;
beforeAll(async () => {
  database = await createOwnDatabase('journey');
  p = await startCampaignPlatform({}, { database });
}, 180_000);
afterAll(async () => {
  await p?.stop();
  await database?.drop();
});

type Owner = { tenantId: string; token: string };
const ok = (res: { status: number; body: unknown }, status: number) =>
  expect(res.status, JSON.stringify(res.body)).toBe(status);

async function template(owner: Owner, key: string, subject: string) {
  const body = { key, channel: 'email', category: 'marketing', subject, body: '<p>Hello {{ firstName }}</p>' };
  ok(await p.api('POST', '/api/v1/notifications/templates', { token: owner.token, body }), 201);
}

async function leads(owner: Owner, label: string, count: number): Promise<string[]> {
  const emails: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const email = `${label}.${i}.${p.run}@example.test`;
    const body = { contact: { email, firstName: `Lead${i}`, lastName: 'Doe' }, source: 'website_form' };
    ok(await p.api('POST', '/api/v1/leads', { token: owner.token, body }), 201);
    emails.push(email);
  }
  // The contacts read model has them once the audience preview counts them.
  await eventually(
    async () => {
      const res = await p.api('POST', `/api/v1/campaign-executions/${randomUUID()}/audience/preview`, {
        token: owner.token,
        body: { filter: { status: ['new'] } },
      });
      return res.body.count >= count ? true : undefined;
    },
    20_000,
    'the leads in the audience',
  );
  return emails;
}

async function campaign(owner: Owner, name: string, steps: object[]) {
  const body = {
    name,
    campaignType: 'email',
    objective: 'lead_generation',
    channels: ['email'],
    budget: { totalBudget: '1000.00', dailyBudget: '100.00', currency: 'USD' },
    schedule: { startDate: new Date(Date.now() - 60_000).toISOString(), endDate: null },
  };
  const created = await p.api('POST', '/api/v1/campaigns', { token: owner.token, body });
  ok(created, 201);
  const id = created.body.id as string;
  const plan = { audience: { filter: { status: ['new'] } }, steps };
  ok(await p.api('PUT', `/api/v1/campaign-executions/${id}/plan`, { token: owner.token, body: plan }), 200);
  return id;
}

const command = async (owner: Owner, id: string, action: string) =>
  ok(await p.api('POST', `/api/v1/campaigns/${id}/${action}`, { token: owner.token, body: {} }), 200);
const mailsTo = async (addresses: string[], subject: string) =>
  (await p.mails()).filter((mail) => mail.subject === subject && addresses.includes(mail.to[0]!.address));
const execution = async (owner: Owner, id: string) =>
  (await p.api('GET', `/api/v1/campaign-executions?campaignId=${id}`, { token: owner.token })).body.executions[0];

describe('the campaign journey through the gateway', () => {
  it('sends each new lead exactly one email, stops at a pause and continues at a resume', async () => {
    const owner = await p.register('journey');
    await template(owner, 'spring-promo', `Spring promo ${p.run}`);
    await template(owner, 'spring-reminder', `Spring reminder ${p.run}`);
    const emails = await leads(owner, 'journey', 3);
    // The reminder waits about 7 s after the promo: long enough to pause in between.
    const id = await campaign(owner, `Spring ${p.run}`, [
      { type: 'send', id: 'promo', channel: 'email', templateKey: 'spring-promo' },
      { type: 'wait', id: 'settle', hours: 0.002 },
      { type: 'send', id: 'reminder', channel: 'email', templateKey: 'spring-reminder' },
    ]);
    await command(owner, id, 'launch');
    const promos = await eventually(
      async () =>
        (await mailsTo(emails, `Spring promo ${p.run}`)).length >= 3
          ? mailsTo(emails, `Spring promo ${p.run}`)
          : undefined,
      30_000,
      `three promos\n${p.output()}`,
    );
    expect(promos.map((mail) => mail.to[0]!.address).sort()).toEqual([...emails].sort());
    expect(promos.map((mail) => mail.html).sort()).toEqual(
      ['Lead0', 'Lead1', 'Lead2'].map((n) => expect.stringContaining(n)),
    );
    await command(owner, id, 'pause');
    await eventually(
      async () => ((await execution(owner, id))?.status === 'paused' ? true : undefined),
      10_000,
      'paused',
    );
    // Past the wait: nothing more leaves while paused.
    await new Promise((resolve) => setTimeout(resolve, 9_000));
    expect(await mailsTo(emails, `Spring reminder ${p.run}`)).toEqual([]);
    expect(await execution(owner, id)).toMatchObject({
      status: 'paused',
      progress: { enrolled: 3, sent: 3, pending: 3 },
    });

    await command(owner, id, 'resume');
    const reminders = await eventually(
      async () => ((await mailsTo(emails, `Spring reminder ${p.run}`)).length >= 3 ? true : undefined),
      30_000,
      'three reminders',
    );
    expect(reminders).toBe(true);
    const done = await eventually(
      async () => {
        const found = await execution(owner, id);
        return found?.status === 'completed' ? found : undefined;
      },
      20_000,
      'the execution completed',
    );
    expect(done).toMatchObject({ endReason: 'plan_finished', progress: { enrolled: 3, sent: 6, pending: 0 } });
    expect(await mailsTo(emails, `Spring promo ${p.run}`)).toHaveLength(3);
    expect(await mailsTo(emails, `Spring reminder ${p.run}`)).toHaveLength(3);
  }, 120_000);

  it('three overlapping campaigns under a cap of 2 per 7 days deliver exactly 2 messages per recipient', async () => {
    const owner = await p.register('capped');
    const cap = await p.api('PUT', '/api/v1/campaign-executions/frequency-cap', {
      token: owner.token,
      body: { maxMessages: 2, windowDays: 7 },
    });
    ok(cap, 200);
    const emails = await leads(owner, 'capped', 4);
    const subjects = [1, 2, 3].map((n) => `Offer ${n} ${p.run}`);
    const ids: string[] = [];
    for (const [n, subject] of subjects.entries()) {
      await template(owner, `offer-${n}`, subject);
      ids.push(
        await campaign(owner, subject, [{ type: 'send', id: 'offer', channel: 'email', templateKey: `offer-${n}` }]),
      );
    }
    await Promise.all(ids.map((id) => command(owner, id, 'launch')));
    for (const id of ids)
      await eventually(
        async () => ((await execution(owner, id))?.status === 'completed' ? true : undefined),
        30_000,
        'completed',
      );
    // Accepted by notification is not yet in the sink: wait for 8, then make sure no 9th comes.
    const delivered = async () => (await p.mails()).filter((mail) => subjects.includes(mail.subject));
    await eventually(async () => ((await delivered()).length >= 8 ? true : undefined), 30_000, 'eight offers');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const perRecipient = new Map(emails.map((email) => [email, 0]));
    for (const mail of await delivered())
      perRecipient.set(mail.to[0]!.address, perRecipient.get(mail.to[0]!.address)! + 1);
    expect(Object.fromEntries(perRecipient)).toEqual(Object.fromEntries(emails.map((email) => [email, 2])));
    const skipped = await Promise.all(
      ids.map(async (id) => {
        const res = await p.api('GET', `/api/v1/campaign-executions/${id}/recipients?skipReason=capped`, {
          token: owner.token,
        });
        return res.body.recipients.length as number;
      }),
    );
    expect(skipped.reduce((a, b) => a + b, 0)).toBe(4);
  }, 120_000);
});
