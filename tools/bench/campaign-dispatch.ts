// The campaign bench's dispatch phase (see campaign.ts): one row per campaign setting.
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from './notification-bench-support.ts';
import { addressOf, peakRssMb } from './campaign-bench-support.ts';
import type { Bench } from './campaign.ts';

const recipients = Number(process.env.BENCH_DISPATCH_RECIPIENTS ?? 20_000);
const stallMs = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 120) * 1000;
const STEPS = [{ type: 'send', id: 'promo', channel: 'email', templateKey: 'bench-promo' }];
const TRIGGER_ROUTE = 'route="/api/v1/notifications/triggers/batch"';

const columns = [
  ['batch x conc', 12],
  ['accepted', 9],
  ['all in s', 8],
  ['10-90% msg/s', 12],
  ['1-s p50 (min-max)', 18],
  ['rounds', 6],
  ['round p50/p99 ms', 16],
  ['trigger ms', 10],
  ['sink msg/s', 10],
  ['sink dup', 8],
  ['RSS MB', 6],
] as const;
const line = (cells: readonly (string | number)[]) =>
  cells.map((cell, i) => String(cell).padStart(columns[i]![1])).join(' | ');

export function printDispatchHeader(): void {
  console.log(
    `dispatch: ${recipients} recipients a row, one email each, into notification (its batch trigger) and on to the SMTP sink; ` +
      'accepted: sends notification answered; round: claim -> notification answer; trigger: notification mean per batch trigger',
  );
  console.log(line(columns.map(([name]) => name)));
}

/** One campaign process with DISPATCH_BATCH_SIZE x DISPATCH_CONCURRENCY sending to a tenant's new leads. */
export async function dispatchRow(
  bench: Bench,
  row: { batch: number; concurrency: number },
  notificationPort: number,
): Promise<void> {
  const tenant = await bench.register(`d${row.batch}x${row.concurrency}`);
  const tag = `d${row.batch}x${row.concurrency}.${bench.run}`;
  await bench.call(
    'POST',
    `http://127.0.0.1:${notificationPort}/api/v1/notifications/templates`,
    tenant.authorization,
    {
      key: 'bench-promo',
      channel: 'email',
      category: 'marketing',
      subject: 'Spring offers for {{ firstName }}',
      body: '<p>Hello {{ firstName }} {{ lastName }},</p><p>{{ campaignName }} has something for you.</p>',
    },
  );
  await bench.seedContacts(bench.owner, tenant.tenantId, recipients, tag);
  const campaign = await bench.startCampaign({
    DISPATCH_BATCH_SIZE: String(row.batch),
    DISPATCH_CONCURRENCY: String(row.concurrency),
  });
  try {
    const { campaignId, launch } = await bench.prepareLaunch(campaign, tenant, STEPS);
    const key = [tenant.tenantId, campaignId];
    const triggersBefore = await batchTriggers(notificationPort);
    const sinkBefore = bench.sink.received();
    const launchedAt = Date.now();
    await launch();
    const samples = await sampleAccepted(bench, key, launchedAt);
    const triggers = await batchTriggers(notificationPort);
    const sink = await untilSunk(bench, tag, sinkBefore);
    const figures = (await bench.owner.query<{ p10: number; p90: number }>(SPREAD, key)).rows[0]!;
    const rounds = (await bench.owner.query<{ ms: number }>(ROUNDS, key)).rows.map((r) => r.ms).sort((a, b) => a - b);
    const perSecond = steadySamples(samples).sort((a, b) => a - b);
    const allAt = samples.at(-1)!.at;
    console.log(
      line([
        `${row.batch} x ${row.concurrency}`,
        samples.at(-1)!.accepted,
        ((allAt - launchedAt) / 1000).toFixed(1),
        Math.round((0.8 * recipients * 1000) / Math.max(1, figures.p90 - figures.p10)),
        `${Math.round(percentile(perSecond, 0.5))} (${Math.round(perSecond[0] ?? 0)}-${Math.round(perSecond.at(-1) ?? 0)})`,
        rounds.length,
        `${Math.round(percentile(rounds, 0.5))}/${Math.round(percentile(rounds, 0.99))}`,
        Math.round(((triggers.sum - triggersBefore.sum) / Math.max(1, triggers.count - triggersBefore.count)) * 1000),
        sink.rate,
        sink.duplicates,
        peakRssMb(campaign.pid) ?? '?',
      ]),
    );
  } finally {
    await campaign.stop();
  }
}

// The first and 10th/90th percentile acceptance (ms since the epoch), and each round's claim -> answer
// time: a round's sends share its reserved_at (its start) and accepted_at (the answer's record).
const SPREAD = `SELECT (extract(epoch FROM percentile_disc(0.1) WITHIN GROUP (ORDER BY accepted_at)) * 1000)::float8 AS p10,
    (extract(epoch FROM percentile_disc(0.9) WITHIN GROUP (ORDER BY accepted_at)) * 1000)::float8 AS p90
  FROM campaign.sends WHERE tenant_id = $1 AND campaign_id = $2 AND state = 'accepted'`;
const ROUNDS = `SELECT (extract(epoch FROM accepted_at - reserved_at) * 1000)::float8 AS ms FROM campaign.sends
  WHERE tenant_id = $1 AND campaign_id = $2 AND state = 'accepted' GROUP BY reserved_at, accepted_at`;
const ACCEPTED = `SELECT count(*)::int AS accepted FROM campaign.sends
  WHERE tenant_id = $1 AND campaign_id = $2 AND state = 'accepted'`;

interface Sample {
  at: number;
  accepted: number;
}

/** Counts accepted sends once a second until all are, or nothing moved for BENCH_TIMEOUT_SECONDS. */
async function sampleAccepted(bench: Bench, key: string[], launchedAt: number): Promise<Sample[]> {
  const samples: Sample[] = [{ at: launchedAt, accepted: 0 }];
  for (let movedAt = launchedAt; samples.at(-1)!.accepted < recipients;) {
    await sleep(Math.max(0, samples.at(-1)!.at + 1000 - Date.now()));
    const { accepted } = (await bench.owner.query<{ accepted: number }>(ACCEPTED, key)).rows[0]!;
    if (accepted > samples.at(-1)!.accepted) movedAt = Date.now();
    else if (Date.now() - movedAt > stallMs) throw new Error(`dispatch stalled at ${accepted} accepted`);
    samples.push({ at: Date.now(), accepted });
  }
  return samples;
}

/** Messages per second of each 1-s sample after the first that accepted anything, and before the last. */
function steadySamples(samples: readonly Sample[]): number[] {
  const rates = samples
    .slice(1)
    .map((sample, i) => ({ moved: sample.accepted - samples[i]!.accepted, ms: sample.at - samples[i]!.at }));
  const first = rates.findIndex((rate) => rate.moved > 0);
  return rates.slice(first + 1, -1).map((rate) => (rate.moved * 1000) / rate.ms);
}

/** notification's batch trigger requests so far: how many, and their seconds in total (its /metrics). */
async function batchTriggers(port: number): Promise<{ count: number; sum: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const total = (name: string) =>
    text
      .split('\n')
      .filter((row) => row.startsWith(`${name}{`) && row.includes(TRIGGER_ROUTE))
      .reduce((sum, row) => sum + Number(row.slice(row.lastIndexOf(' ') + 1)), 0);
  return { count: total('http_request_duration_seconds_count'), sum: total('http_request_duration_seconds_sum') };
}

/**
 * Waits for every address of the row at the sink: its rate from the first arrival to the last, and
 * the messages beyond one per address that arrived since `before` (the sink's count at the launch).
 */
async function untilSunk(bench: Bench, tag: string, before: number): Promise<{ rate: number; duplicates: number }> {
  const addresses = Array.from({ length: recipients }, (_, i) => addressOf(i + 1, tag));
  let arrived = 0;
  for (let movedAt = Date.now(); arrived < recipients && Date.now() - movedAt < stallMs; await sleep(500)) {
    const now = addresses.filter((address) => bench.sink.arrivals.has(address)).length;
    if (now > arrived) [arrived, movedAt] = [now, Date.now()];
  }
  const times = addresses.flatMap((address) => bench.sink.arrivals.get(address) ?? []).sort((a, b) => a - b);
  const spanMs = Math.max(1, (times.at(-1) ?? 0) - (times[0] ?? 0));
  return {
    rate: Math.round(((times.length - 1) * 1000) / spanMs),
    duplicates: bench.sink.received() - before - times.length,
  };
}
