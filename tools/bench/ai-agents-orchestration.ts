// Orchestration overhead of ai-agents' durable runs, over an LLM that answers at once.
//   node tools/build.mjs ai-agents && npx tsx tools/bench/ai-agents-orchestration.ts
// Starts ai-agents as a real process from its bundle on the migrated bench database, and in this
// process the local LLM server (0 ms replies by default) and a JWKS the service trusts. A fresh tenant's
// settings name the local server as its LLM (PUT /api/v1/agents/settings, loopback allowed);
// then BENCH_RUNS content_generation analyses are requested at once, each with maxSections
// BENCH_SECTIONS (1 outline + BENCH_SECTIONS sections + 1 edit = 12 LLM calls by default), all
// run side by side (RUN_CONCURRENCY = BENCH_RUNS unless set). Each run's brief carries its number,
// so the LLM server tells the runs' requests apart (tools/bench/ai-agents-step-gaps.ts).
// Overhead per step: for each run, from the LLM server writing answer k to receiving request k+1
// of the same run (the service reading the stream, journaling the step, renewing its lease,
// building the next request). The LLM server shares this process's event loop: its own delays
// are in the figures too. No event lost: every analysis completed, and each has exactly one
// ai.analysis_completed on the Redis stream bizosaas:events:{ai_analysis} (counted among the
// entries added since the measured runs were requested). A warm-up batch runs first, unmeasured.
// With a 0 ms LLM the runs' steps all queue for the one service process: a gap is at least about
// (runs in flight) x (the service's time per step), which the CPU per LLM call printed gives.
// Target: overhead per step p99 < 5 ms with 200 concurrent runs.
// env: BENCH_DATABASE_URL  owner URL (default postgresql://postgres@127.0.0.1:5432/bizosaas_bench)
//      REDIS_URL           (default redis://127.0.0.1:6379)
//      BENCH_RUNS          analyses requested at once (default 200)
//      BENCH_SECTIONS      maxSections of each (1-10, default 10)
//      BENCH_WARMUP_RUNS   analyses run at once before the measured ones, not counted (default 50)
//      BENCH_LLM_DELAY_MS  how long the LLM server takes per answer on average, 0.5x to 1.5x of it
//                          (default 0; e.g. 1000 for the overhead at a model's pace, the runs'
//                          calls then spread out in time)
//      BENCH_LOG_LEVEL     LOG_LEVEL of the service (default warn)
//      BENCH_NODE_ARGS     extra node arguments for the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
//      The service's own settings (DATABASE_POOL_MAX, RUN_CONCURRENCY, ...) pass through.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateSigningKey, jwksOf, signTestToken, startJwksServer, testClaims } from '@bizosaas/auth/testing';
import { createPgPool } from '@bizosaas/db';
import { APP_ROLE, DEV_APP_PASSWORD, DEV_WORKER_PASSWORD, WORKER_ROLE, migrateDatabase } from '@bizosaas/db/migrations';
import { startLocalLlmServer } from '@bizosaas/local-llm-server';
import { createRedis, eventStreamKey, fieldValue } from '@bizosaas/messaging';
import { createStepGaps } from './ai-agents-step-gaps.ts';
import { freePort, ownerUrl, percentile, redisUrl, root, waitReady } from './notification-bench-support.ts';

const runs = Number(process.env.BENCH_RUNS ?? 200);
const sections = Number(process.env.BENCH_SECTIONS ?? 10);
const warmup = Number(process.env.BENCH_WARMUP_RUNS ?? 50);
const llmDelayMs = Number(process.env.BENCH_LLM_DELAY_MS ?? 0);
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
const concurrency = process.env.RUN_CONCURRENCY ?? String(runs);
const run = randomUUID().slice(0, 8);
// BENCH-ONLY master key wrapping the bench tenants' data keys (their sealed LLM API keys).
const MASTER_KEYS = JSON.stringify({ 'bench-1': Buffer.alloc(32, 'ai-agents-bench-master').toString('base64') });
const API_KEY = `sk-bench-${run}`;
// The relay publishes ai-agents' events under the platform's default namespace.
const stream = eventStreamKey('ai_analysis');
// USER_HZ of /proc/<pid>/stat: 100 on Linux.
const CLOCK_TICKS = 100;

const roleUrl = (role: string, password: string) =>
  Object.assign(new URL(ownerUrl), { username: role, password }).toString();

/** CPU time (user + system) a process has used, from /proc (Linux), in ms. */
function cpuMs(pid: number | undefined): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

async function send(method: string, url: string, authorization: string, body: object) {
  const res = await fetch(url, {
    method,
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${JSON.stringify(answer)}`);
  return answer;
}

/** ai.analysis_completed entries of the tenant added to the stream since `fromMs`, by analysis id. */
async function completedOnStream(tenantId: string, fromMs: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let start = `${fromMs}-0`;
  for (;;) {
    const entries = await redis.xrange(stream, start, '+', 'COUNT', 1000);
    for (const [, fields] of entries) {
      if (fieldValue(fields, 'tenantId') !== tenantId || fieldValue(fields, 'type') !== 'ai.analysis_completed')
        continue;
      const id = fieldValue(fields, 'aggregateId')!;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    if (entries.length < 1000) return counts;
    start = `(${entries.at(-1)![0]}`;
  }
}

await migrateDatabase({ url: ownerUrl, appPassword: DEV_APP_PASSWORD, workerPassword: DEV_WORKER_PASSWORD });
const prefix = `bench-${run}-run-`;
const steps = createStepGaps(prefix, sections, llmDelayMs);
const llm = await startLocalLlmServer({ apiKey: API_KEY, reply: steps.responder });
const key = await generateSigningKey();
const jwks = await startJwksServer(jwksOf(key));
const port = await freePort();
let stopping = false;
let output = '';
const service = spawn(
  process.execPath,
  [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), 'apps/ai-agents/dist/main.js'],
  {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: roleUrl(APP_ROLE, DEV_APP_PASSWORD),
      WORKER_DATABASE_URL: roleUrl(WORKER_ROLE, DEV_WORKER_PASSWORD),
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl,
      LOG_LEVEL: logLevel,
      JWKS_URL: jwks.url,
      AGENTS_MASTER_KEYS: MASTER_KEYS,
      OUTBOUND_ALLOWED_CIDRS: '127.0.0.0/8',
      RUN_GROUP: `bench-${run}`,
      CONSUMER_NAME: `bench-${run}`,
      EVENT_STREAM_NAMESPACE: `bench:ai-agents:${run}:events`,
      RUN_CONCURRENCY: concurrency,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
service.stdout.on('data', keep);
service.stderr.on('data', keep);
service.on('exit', (code, signal) => {
  if (!stopping) console.error(`ai-agents exited early (${code ?? signal}):\n${output}`);
});
const redis = createRedis(redisUrl, { connectionName: 'bench:ai-agents-orchestration' });
const owner = createPgPool({ databaseUrl: ownerUrl, poolMax: 1, schema: 'ai_agents' });
try {
  await waitReady(port);
  const base = `http://127.0.0.1:${port}`;
  const claims = testClaims({ roles: ['admin'] });
  const authorization = `Bearer ${await signTestToken(key, claims)}`;
  await send('PUT', `${base}/api/v1/agents/settings`, authorization, {
    llm: { baseUrl: llm.url, model: 'local-model', apiKey: API_KEY },
    monthlyTokenQuota: 0,
  });
  // Finished analyses among `ids`, by status (the owner reads past row-level security).
  const statuses = async (ids: string[]) => {
    const { rows } = await owner.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM ai_agents.analyses WHERE id = ANY($1::uuid[])
        AND status IN ('completed', 'failed', 'cancelled') GROUP BY status`,
      [ids],
    );
    return Object.fromEntries(rows.map((row) => [row.status, row.n])) as Record<string, number>;
  };

  // Requests `count` analyses at once (numbered from `from`) and waits until every one finished.
  const batch = async (from: number, count: number) => {
    const ids = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const accepted = await send('POST', `${base}/api/v1/agents/analyses`, authorization, {
          analysisType: 'content_generation',
          subject: { brief: `${prefix}${from + i}` },
          options: { maxSections: sections },
        });
        return accepted.id as string;
      }),
    );
    let finished = await statuses(ids);
    const deadline = Date.now() + 300_000;
    while (Object.values(finished).reduce((a, b) => a + b, 0) < count && Date.now() < deadline) {
      await sleep(200);
      finished = await statuses(ids);
    }
    return { ids, finished };
  };

  // Warm-up: the service's code paths compiled and its pools filled before the measured runs.
  await batch(runs, warmup);
  steps.reset();
  const streamFrom = Date.now();
  const cpuBefore = cpuMs(service.pid);
  const startedAt = performance.now();
  const { ids, finished } = await batch(0, runs);
  const elapsedS = (performance.now() - startedAt) / 1000;
  const cpuPerStep = (cpuMs(service.pid) - cpuBefore) / Math.max(1, steps.calls());

  // The relay publishes after the commit: wait for the stream to hold every completion (or 30 s).
  const countOnStream = async () => {
    const onStream = await completedOnStream(claims.tenant_id, streamFrom);
    return {
      exactlyOnce: ids.filter((id) => onStream.get(id) === 1).length,
      twice: ids.filter((id) => (onStream.get(id) ?? 0) > 1).length,
    };
  };
  let { exactlyOnce, twice } = await countOnStream();
  const streamDeadline = Date.now() + 30_000;
  while (exactlyOnce + twice < runs && Date.now() < streamDeadline) {
    await sleep(200);
    ({ exactlyOnce, twice } = await countOnStream());
  }

  const gaps = steps.gaps().sort((a, b) => a - b);
  const ms = (value: number) => value.toFixed(2);
  const p99 = percentile(gaps, 0.99);
  const [load1] = readFileSync('/proc/loadavg', 'utf8').split(' ');
  console.log(
    `ai-agents orchestration bench: ${runs} content_generation runs at once, ${sections + 2} LLM calls each, ` +
      `${llmDelayMs} ms LLM, RUN_CONCURRENCY=${concurrency}, DATABASE_POOL_MAX=${process.env.DATABASE_POOL_MAX ?? 'default'}, ` +
      `LOG_LEVEL=${logLevel}, load average (1 min) at the end ${load1}`,
  );
  console.log(
    `overhead per step p50 ${ms(percentile(gaps, 0.5))} ms p95 ${ms(percentile(gaps, 0.95))} ms ` +
      `p99 ${ms(p99)} ms max ${ms(gaps.at(-1) ?? 0)} ms over ${gaps.length} steps | ` +
      `LLM calls ${steps.calls()} | ${(runs / elapsedS).toFixed(1)} runs/s (${elapsedS.toFixed(1)} s) | ` +
      `service CPU ${ms(cpuPerStep)} ms per LLM call | target p99 < 5 ms: ${p99 < 5 ? 'met' : 'not met'}`,
  );
  const byCall = [...steps.gapsByCall()]
    .sort(([a], [b]) => a - b)
    .map(
      ([call, values]) =>
        `${call} ${ms(
          percentile(
            values.sort((a, b) => a - b),
            0.95,
          ),
        )}`,
    );
  console.log(
    `p95 by the call a gap precedes (2: after the outline, ${sections + 2}: the editor's): ${byCall.join(' | ')}`,
  );
  const complete = finished.completed === runs && exactlyOnce === runs && steps.strangers() === 0;
  console.log(
    `events: ${finished.completed ?? 0} of ${runs} completed (failed ${finished.failed ?? 0}, cancelled ${finished.cancelled ?? 0}); ` +
      `ai.analysis_completed on ${stream}: ${exactlyOnce} analyses exactly once, ${twice} more than once, ` +
      `${runs - exactlyOnce - twice} missing (${complete ? 'none lost' : 'NOT all'})`,
  );
  if (!complete) process.exitCode = 1;
} finally {
  stopping = true;
  if (service.exitCode === null && service.signalCode === null) {
    service.kill('SIGTERM');
    await once(service, 'exit');
  }
  await Promise.allSettled([redis.quit(), owner.end(), jwks.close(), llm.close()]);
}
