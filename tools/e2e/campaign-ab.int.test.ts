// A campaign A/B test through the gateway with the real services: the test share of the audience
// gets the two variants' subjects, one variant's mails are opened (their tracking pixels loaded),
// the winner is chosen by open rate after the wait and the rest of the audience all get the
// winner's subject; campaign.ab_winner_selected is recorded once.
import { createHmac } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCampaignPlatform, type CampaignPlatform, type Mail } from './campaign-platform.ts';
import { createOwnDatabase, type OwnDatabase } from './own-database.ts';
import { eventually } from './processes.ts';

// A database of the platform's own: another test's campaign service would dispatch this one's rounds.
let database: OwnDatabase;
let p: CampaignPlatform;
let db: pg.Pool;
beforeAll(async () => {
  database = await createOwnDatabase('ab');
  p = await startCampaignPlatform({}, { database });
  db = new pg.Pool({ connectionString: database.ownerUrl, max: 2 });
}, 180_000);
afterAll(async () => {
  await db?.end();
  await p?.stop();
  await database?.drop();
});

type Owner = { tenantId: string; token: string };
const ok = (res: { status: number; body: unknown }, status: number) =>
  expect(res.status, JSON.stringify(res.body)).toBe(status);

/** The split as the plan documents it: HMAC-SHA256(key: campaign id, contact id), 48 bits as a point on [0, 1). */
function variantOf(campaignId: string, contactId: string, testShare: number): 'a' | 'b' | 'rest' {
  const point = createHmac('sha256', campaignId).update(contactId).digest().readUIntBE(0, 6) / 2 ** 48;
  if (point >= testShare) return 'rest';
  return point < testShare / 2 ? 'a' : 'b';
}

async function template(owner: Owner, key: string, subject: string) {
  const body = { key, channel: 'email', category: 'marketing', subject, body: '<p>Hello {{ firstName }}</p>' };
  ok(await p.api('POST', '/api/v1/notifications/templates', { token: owner.token, body }), 201);
}

async function createCampaign(owner: Owner): Promise<string> {
  const body = {
    name: `Subject test ${p.run}`,
    campaignType: 'email',
    objective: 'lead_generation',
    channels: ['email'],
    budget: { totalBudget: '1000.00', dailyBudget: '100.00', currency: 'USD' },
    schedule: { startDate: new Date(Date.now() - 60_000).toISOString(), endDate: null },
  };
  const created = await p.api('POST', '/api/v1/campaigns', { token: owner.token, body });
  ok(created, 201);
  return created.body.id as string;
}

/** New leads until each variant has two and the rest three (the split is known once the campaign id is). */
async function audience(owner: Owner, campaignId: string): Promise<Map<string, 'a' | 'b' | 'rest'>> {
  const groups = new Map<string, 'a' | 'b' | 'rest'>();
  const count = (variant: string) => [...groups.values()].filter((v) => v === variant).length;
  for (let i = 0; groups.size < 12 || count('a') < 2 || count('b') < 2 || count('rest') < 3; i += 1) {
    const email = `ab.${i}.${p.run}@example.test`;
    const body = { contact: { email, firstName: `Lead${i}`, lastName: 'Doe' }, source: 'website_form' };
    const res = await p.api('POST', '/api/v1/leads', { token: owner.token, body });
    ok(res, 201);
    groups.set(email, variantOf(campaignId, res.body.id, 0.5));
  }
  await eventually(
    async () => {
      const res = await p.api('POST', `/api/v1/campaign-executions/${campaignId}/audience/preview`, {
        token: owner.token,
        body: { filter: { status: ['new'] } },
      });
      return res.body.count >= groups.size ? true : undefined;
    },
    20_000,
    'the leads in the audience',
  );
  return groups;
}

const PIXEL = /<img src="([^"]+\/track\/open\/[^"]+)"/;

describe('a campaign A/B test through the gateway', () => {
  it('tests two subjects on the test share, picks the opened one and sends it to the rest', async () => {
    const owner = await p.register('ab');
    const subjects = { a: `Subject A ${p.run}`, b: `Subject B ${p.run}` };
    await template(owner, 'subject-a', subjects.a);
    await template(owner, 'subject-b', subjects.b);
    const id = await createCampaign(owner);
    const groups = await audience(owner, id);
    const emailsOf = (variant: string) => [...groups].filter(([, v]) => v === variant).map(([email]) => email);
    const abTest = {
      variants: [
        { key: 'a', templateKey: 'subject-a' },
        { key: 'b', templateKey: 'subject-b' },
      ],
      testShare: 0.5,
      metric: 'open_rate',
      // About 22 s after the last test send: time for the opens below to come back through
      // notification's events even on a loaded machine.
      waitHours: 0.006,
    };
    const plan = {
      audience: { filter: { status: ['new'] } },
      steps: [{ type: 'send', id: 'offer', channel: 'email', templateKey: 'subject-a', abTest }],
    };
    ok(await p.api('PUT', `/api/v1/campaign-executions/${id}/plan`, { token: owner.token, body: plan }), 200);
    ok(await p.api('POST', `/api/v1/campaigns/${id}/launch`, { token: owner.token, body: {} }), 200);

    const ours = async () => (await p.mails()).filter((mail) => groups.has(mail.to[0]!.address));
    const tested = emailsOf('a').length + emailsOf('b').length;
    const testMails = await eventually(
      async () => ((await ours()).length >= tested ? ours() : undefined),
      30_000,
      `the ${tested} test mails\n${p.output()}`,
    );
    const to = (mails: Mail[], subject: string) =>
      mails.filter((m) => m.subject === subject).map((m) => m.to[0]!.address);
    expect(to(testMails, subjects.a).sort()).toEqual(emailsOf('a').sort());
    expect(to(testMails, subjects.b).sort()).toEqual(emailsOf('b').sort());
    for (const mail of testMails.filter((m) => m.subject === subjects.b)) {
      const src = PIXEL.exec(mail.html)?.[1];
      expect(src, mail.html).toBeDefined();
      const pixel = await fetch(src!.replaceAll('&amp;', '&'));
      expect(pixel.status).toBe(200);
    }

    const all = await eventually(
      async () => ((await ours()).length >= groups.size ? ours() : undefined),
      60_000,
      `the rest's mails\n${p.output()}`,
    );
    expect(to(all, subjects.b).sort()).toEqual([...emailsOf('b'), ...emailsOf('rest')].sort());
    expect(to(all, subjects.a).sort()).toEqual(emailsOf('a').sort());
    const results = await p.api('GET', `/api/v1/campaign-executions/${id}/ab-tests`, { token: owner.token });
    ok(results, 200);
    expect(results.body.abTests).toEqual([
      expect.objectContaining({
        stepId: 'offer',
        status: 'decided',
        winner: 'b',
        variants: [
          { variant: 'a', templateKey: 'subject-a', recipients: emailsOf('a').length, successes: 0, rate: '0.0000' },
          {
            variant: 'b',
            templateKey: 'subject-b',
            recipients: emailsOf('b').length,
            successes: emailsOf('b').length,
            rate: '1.0000',
          },
        ],
      }),
    ]);
    await eventually(
      async () => {
        const res = await p.api('GET', `/api/v1/campaign-executions?campaignId=${id}`, { token: owner.token });
        return res.body.executions[0]?.status === 'completed' ? true : undefined;
      },
      20_000,
      'the execution completed',
    );
    const { rows } = await db.query(
      `SELECT data FROM campaign_event_store.events WHERE tenant_id = $1 AND type = 'campaign.ab_winner_selected'`,
      [owner.tenantId],
    );
    expect(rows.map((row) => row.data.winner)).toEqual(['b']);
    // Nothing more arrives: each recipient got exactly one mail.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await ours()).map((m) => m.to[0]!.address).sort()).toEqual([...groups.keys()].sort());
  }, 180_000);
});
