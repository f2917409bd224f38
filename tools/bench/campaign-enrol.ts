// The campaign bench's enrolment phase (see campaign.ts): a launch over BENCH_RECIPIENTS contacts.
import { setTimeout as sleep } from 'node:timers/promises';
import { peakRssMb } from './campaign-bench-support.ts';
import type { Bench } from './campaign.ts';

const recipients = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
const stallMs = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 120) * 1000;
// A first step that sends nothing: the dispatcher's rounds schedule it without a message.
const STEPS = [
  { type: 'wait', id: 'settle', hours: 24 },
  { type: 'send', id: 'promo', channel: 'email', templateKey: 'bench-promo' },
];

interface Committed {
  audienceSize: number;
  enrolments: number;
  events: number;
  /** When the enrolling statement began (the campaign process's clock), ms since the epoch. */
  enrolledAt: number;
}

export async function enrolPhase(bench: Bench): Promise<void> {
  const { owner } = bench;
  const tenant = await bench.register('enrol');
  const seeded = await bench.seedContacts(owner, tenant.tenantId, recipients, `e${bench.run}`);
  console.log(`enrol: ${recipients} contacts of one tenant written in ${seeded.toFixed(1)} s`);
  const campaign = await bench.startCampaign();
  try {
    const { campaignId, launch } = await bench.prepareLaunch(campaign, tenant, STEPS);
    const key = [tenant.tenantId, campaignId];
    const launchedAt = Date.now();
    await launch();
    let committed: Committed | undefined;
    for (const deadline = launchedAt + stallMs; !committed && Date.now() < deadline; await sleep(20))
      committed = (await owner.query<Committed>(COMMITTED, key)).rows[0];
    if (!committed) throw new Error(`no execution ${stallMs} ms after the launch`);
    const committedMs = Date.now() - launchedAt;
    const { scheduledMs, relayedMs } = await untilScheduledAndRelayed(bench, key, launchedAt);
    const rate = (ms: number) => `${Math.round((recipients / ms) * 1000)} recipients/s`;
    const met = committedMs < 10_000 && committed.enrolments === recipients && committed.events === recipients;
    console.log(
      `enrol: launch -> execution committed with audienceSize ${committed.audienceSize}, ${committed.enrolments} enrolments ` +
        `due and ${committed.events} recipient_enrolled events: ${committedMs} ms (${rate(committedMs)}) | ` +
        `target < 10 s for 100000: ${recipients !== 100_000 ? 'not this size' : met ? 'met' : 'not met'}`,
    );
    console.log(
      `enrol: the enrolling statement began ${committed.enrolledAt - launchedAt} ms after the launch was published; ` +
        `launch -> every first step (the wait) scheduled by the dispatcher: ${scheduledMs} ms (${rate(scheduledMs)})`,
    );
    console.log(
      `enrol: launch -> every recipient_enrolled relayed to Redis: ${relayedMs} ms | campaign peak RSS ${peakRssMb(campaign.pid) ?? '?'} MB`,
    );
  } finally {
    await campaign.stop();
  }
}

const COMMITTED = `SELECT x.audience_size AS "audienceSize",
    (SELECT count(*)::int FROM campaign.enrolments e WHERE e.tenant_id = $1 AND e.campaign_id = $2 AND e.status <> 'skipped') AS enrolments,
    (SELECT count(*)::int FROM campaign_event_store.events v WHERE v.tenant_id = $1 AND v.type = 'campaign.recipient_enrolled') AS events,
    (SELECT (extract(epoch FROM min(e.enrolled_at)) * 1000)::float8 FROM campaign.enrolments e
      WHERE e.tenant_id = $1 AND e.campaign_id = $2) AS "enrolledAt"
  FROM campaign.executions x WHERE x.tenant_id = $1 AND x.campaign_id = $2`;
// Enrolments still at their first step are due at the launch; scheduled ones are due a day later.
const UNSCHEDULED = `SELECT EXISTS (SELECT 1 FROM campaign.enrolments WHERE tenant_id = $1 AND campaign_id = $2
  AND status = 'active' AND due_at < $3) AS pending`;
const UNRELAYED = 'SELECT EXISTS (SELECT 1 FROM campaign_event_store.outbox WHERE tenant_id = $1) AS pending';

interface Pending {
  pending: boolean;
}

/** Polls until no enrolment waits for its first round and the tenant's outbox is empty. */
async function untilScheduledAndRelayed(bench: Bench, key: string[], launchedAt: number) {
  let scheduledMs: number | undefined;
  let relayedMs: number | undefined;
  const soon = new Date(launchedAt + 3_600_000);
  let progressAt = Date.now();
  while (scheduledMs === undefined || relayedMs === undefined) {
    if (scheduledMs === undefined && !(await bench.owner.query<Pending>(UNSCHEDULED, [...key, soon])).rows[0]!.pending)
      [scheduledMs, progressAt] = [Date.now() - launchedAt, Date.now()];
    if (relayedMs === undefined && !(await bench.owner.query<Pending>(UNRELAYED, [key[0]])).rows[0]!.pending)
      [relayedMs, progressAt] = [Date.now() - launchedAt, Date.now()];
    if (Date.now() - progressAt > stallMs)
      throw new Error(`scheduled ${scheduledMs} ms, relayed ${relayedMs} ms: stalled`);
    await sleep(50);
  }
  return { scheduledMs, relayedMs };
}
