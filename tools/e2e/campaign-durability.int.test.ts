// A campaign's exactly-once send through crashes ("Done when" of the campaign issue): 10,000
// recipients, and the campaign service SIGKILLed twice during the send, each time just after
// notification accepted one of its batches and before the service recorded the answer: the
// hardest moment, held open by a forwarder between the two. The restarted service claims those
// rows again once their short lease ran out and repeats their reserved sends under the same
// transactionIds, which notification answers from its first answer; the SMTP sink, a real SMTP
// server in this process, must still see exactly one message per recipient. The leads are real
// lead.created events (what domain-repository publishes), so that 10,000 of them take seconds, not
// minutes of API calls; they go on the lead stream's companion that only this platform's contacts
// group reads (as a replay would), so that no other consumer of the shared stream gets them. The
// platform has a database of its own: a campaign service elsewhere on the shared test database
// (another test file running at the same time) would otherwise claim these rounds too.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createEvent, type EventEnvelope } from '@bizosaas/event-schemas';
import { createPublisher } from '@bizosaas/messaging';
import { redisUrl } from '@bizosaas/messaging/testing';
import { startCampaignPlatform, type CampaignPlatform } from './campaign-platform.ts';
import { startCountingSmtp, type CountingSmtp } from './counting-smtp.ts';
import { startHoldingProxy, type HoldingProxy } from './holding-proxy.ts';
import { createOwnDatabase, type OwnDatabase } from './own-database.ts';
import { eventually } from './processes.ts';

const RECIPIENTS = 10_000;
// Short, so the restarted service claims the killed rounds' rows again soon.
const LEASE_MS = 2_000;
// Sends the service recorded when it is killed: well inside the send, and apart.
const KILL_AFTER = [1_500, 5_000];

let p: CampaignPlatform;
let sink: CountingSmtp;
let proxy: HoldingProxy;
let database: OwnDatabase;
let db: pg.Pool;
let redis: Redis;
beforeAll(async () => {
  database = await createOwnDatabase('durable');
  sink = await startCountingSmtp();
  proxy = await startHoldingProxy();
  p = await startCampaignPlatform(
    { DISPATCH_LEASE_MS: String(LEASE_MS), NOTIFICATION_URL: proxy.url },
    { smtpUrl: sink.url, database },
  );
  proxy.target = p.notificationUrl;
  db = new pg.Pool({ connectionString: database.ownerUrl, max: 2 });
  redis = new Redis(redisUrl);
}, 180_000);
afterAll(async () => {
  await p?.stop();
  await Promise.allSettled([sink?.close(), proxy?.close(), db?.end(), redis?.quit()]);
  await database?.drop();
});

/** Messages the sink accepted, to anyone. */
const delivered = () => [...sink.perRecipient().values()].reduce((total, count) => total + count, 0);

type Owner = { tenantId: string; token: string };
const ok = (res: { status: number; body: unknown }, status: number) =>
  expect(res.status, JSON.stringify(res.body)).toBe(status);

/** lead.created for each address, as domain-repository publishes them, in pipelines of 1,000, for the contacts group. */
async function publishLeads(tenantId: string, emails: readonly string[]): Promise<void> {
  const publisher = createPublisher({ redis });
  const event = (email: string, i: number) =>
    createEvent({
      type: 'lead.created',
      tenantId,
      actor: { type: 'service', id: 'domain-repository' },
      data: {
        contact: { email, firstName: `Lead${i}`, lastName: 'Doe', phone: null, company: null, jobTitle: null },
        source: 'crm_import',
        utmParameters: {},
        campaignId: null,
      },
    }) as EventEnvelope;
  const group = p.consumerGroup('contacts');
  for (let i = 0; i < emails.length; i += 1_000)
    await publisher.publishMany(
      emails.slice(i, i + 1_000).map((email, j) => event(email, i + j)),
      { group },
    );
}

async function audienceCount(owner: Owner): Promise<number> {
  const res = await p.api('POST', `/api/v1/campaign-executions/${randomUUID()}/audience/preview`, {
    token: owner.token,
    body: { filter: { status: ['new'] } },
  });
  return res.body.count as number;
}

async function launchCampaign(owner: Owner, templateKey: string): Promise<string> {
  const body = {
    name: `Durable ${p.run}`,
    campaignType: 'email',
    objective: 'lead_generation',
    channels: ['email'],
    budget: { totalBudget: '1000.00', dailyBudget: '100.00', currency: 'USD' },
    schedule: { startDate: new Date(Date.now() - 60_000).toISOString(), endDate: null },
  };
  const created = await p.api('POST', '/api/v1/campaigns', { token: owner.token, body });
  ok(created, 201);
  const id = created.body.id as string;
  const plan = {
    audience: { filter: { status: ['new'] } },
    steps: [{ type: 'send', id: 'promo', channel: 'email', templateKey }],
  };
  ok(await p.api('PUT', `/api/v1/campaign-executions/${id}/plan`, { token: owner.token, body: plan }), 200);
  ok(await p.api('POST', `/api/v1/campaigns/${id}/launch`, { token: owner.token, body: {} }), 200);
  return id;
}

const execution = async (owner: Owner, id: string) =>
  (await p.api('GET', `/api/v1/campaign-executions?campaignId=${id}`, { token: owner.token })).body.executions?.[0];

/** The campaign's sends per state: reserved (a round between its two transactions) or accepted. */
async function sends(campaignId: string): Promise<{ reserved: number; accepted: number }> {
  const { rows } = await db.query<{ reserved: number; accepted: number }>(
    `SELECT count(*) FILTER (WHERE state = 'reserved')::int AS reserved,
       count(*) FILTER (WHERE state = 'accepted')::int AS accepted
     FROM campaign.sends WHERE campaign_id = $1`,
    [campaignId],
  );
  return rows[0]!;
}

/** Where the campaign stands, for a failure's message: sends and enrolments by state. */
async function snapshot(campaignId: string): Promise<string> {
  const { rows } = await db.query(
    `SELECT 'sends ' || state AS what, count(*)::int AS n FROM campaign.sends WHERE campaign_id = $1 GROUP BY 1
     UNION ALL SELECT 'enrolments ' || status || CASE WHEN lease_until IS NULL THEN '' ELSE ' leased' END, count(*)::int
     FROM campaign.enrolments WHERE campaign_id = $1 GROUP BY 1`,
    [campaignId],
  );
  return JSON.stringify(rows);
}

/** eventually, whose failure tells where the campaign stands and what the processes said by then. */
async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string, campaignId?: string) {
  return eventually(check, timeoutMs, what).catch(async (error: unknown) => {
    const state = campaignId ? await snapshot(campaignId) : '';
    throw new Error(`${(error as Error).message}\n${state}\n${p.output()}`, { cause: error });
  });
}

/**
 * Once the service recorded more than `count` sends: holds notification's answer to the next
 * batch, SIGKILLs the service while that round is unrecorded, and starts it again. Returns the
 * sends the crash left reserved.
 */
async function crashAfter(count: number, campaignId: string): Promise<number> {
  await waitFor(
    async () => ((await sends(campaignId)).accepted > count ? true : undefined),
    120_000,
    `${count} sends`,
    campaignId,
  );
  let held = false;
  void proxy.holdNext('/api/v1/notifications/triggers/batch').then(() => (held = true));
  await waitFor(async () => (held ? true : undefined), 60_000, 'a batch accepted', campaignId);
  await p.killCampaign();
  const { reserved } = await sends(campaignId);
  await p.startCampaign();
  return reserved;
}

describe('a campaign through two crashes', () => {
  it(`sends exactly ${RECIPIENTS} messages to ${RECIPIENTS} recipients though the service is SIGKILLed twice`, async () => {
    const owner = await p.register('durable');
    const subject = `Durable promo ${p.run}`;
    const template = { key: 'durable-promo', channel: 'email', category: 'marketing', subject, body: '<p>Hi</p>' };
    ok(await p.api('POST', '/api/v1/notifications/templates', { token: owner.token, body: template }), 201);
    const emails = Array.from({ length: RECIPIENTS }, (_, i) => `r${i}.${p.run}@example.test`);
    await publishLeads(owner.tenantId, emails);
    await waitFor(
      async () => ((await audienceCount(owner)) === RECIPIENTS ? true : undefined),
      150_000,
      `${RECIPIENTS} leads in the audience`,
    );

    const id = await launchCampaign(owner, 'durable-promo');
    for (const count of KILL_AFTER) {
      // Each crash leaves a batch notification accepted unrecorded: the restarted service repeats it.
      expect(await crashAfter(count, id)).toBeGreaterThan(0);
    }

    const done = await waitFor(
      async () => {
        const found = await execution(owner, id);
        return found?.status === 'completed' ? found : undefined;
      },
      120_000,
      'the execution completed',
      id,
    );
    expect(done).toMatchObject({ endReason: 'plan_finished', progress: { enrolled: RECIPIENTS, sent: RECIPIENTS } });
    await waitFor(async () => (delivered() >= RECIPIENTS ? true : undefined), 120_000, `${RECIPIENTS} messages`, id);
    // Accepted by the sink is where a duplicate would show: give one time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(delivered()).toBe(RECIPIENTS);
    const counts = sink.perRecipient();
    expect(emails.filter((email) => counts.get(email) !== 1)).toEqual([]);
  }, 420_000);
});
