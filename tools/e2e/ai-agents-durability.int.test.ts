// A durable analysis through a crash: ai-agents as a real process from its bundle (built by
// `node tools/build.mjs ai-agents`), its tenant's LLM the local LLM server in this process (reached
// on 127.0.0.1 through the production OpenAI client, as the tenant's settings name it), callers'
// tokens signed by a test key the service trusts through a local JWKS. The content_generation crew
// makes 4 LLM calls (outline, two sections, edit). The process is SIGKILLed while the 3rd call is
// held by the server, after 2 answers were journaled; a second process takes the run over once
// the short lease lapses and finishes it from the journal with the 2 calls that were missing.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateSigningKey, jwksOf, signTestToken, startJwksServer, testClaims } from '@bizosaas/auth/testing';
import { scriptedReplies, startLocalLlmServer, type LocalLlmServer, type Reply } from '@bizosaas/local-llm-server';
import { redisUrl } from '@bizosaas/messaging/testing';
import { eventually, freePort, start, untilReady, type Started } from './processes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// ai-agents' test master key (apps/ai-agents/src/test-support.ts): the shared test database's
// tenant data keys of ai-agents are wrapped with it.
const MASTER_KEYS = JSON.stringify({ 'test-1': Buffer.alloc(32, 'ai-agents-test-master').toString('base64') });
const API_KEY = 'sk-durability-test';
// Short, so the second process takes the killed run over soon; the journal, not the lease, keeps it exact.
const RUN_LEASE_MS = 2_000;
// Held longer than the test waits: only the kill ends it.
const HELD_MS = 60_000;
const run = randomUUID().slice(0, 8);
const processes: Started[] = [];
const output = () => processes.map((p) => p.output()).join('\n');
const recentOutput = () => output().slice(-4000);
let port = 0;
let llm: LocalLlmServer;
let jwks: Awaited<ReturnType<typeof startJwksServer>>;
let owner: pg.Pool;
let tenantId: string;
let authorization: string;

const usage = { promptTokens: 10, completionTokens: 5 };
const outline = {
  title: 'Spring launch',
  sections: [
    { heading: 'Why now', points: ['the season'] },
    { heading: 'How', points: ['three steps'] },
  ],
};
const edited = { title: 'Spring launch', metaDescription: 'All about spring', body: 'Final text' };
const json = (value: unknown): Reply => ({ content: JSON.stringify(value), usage });
const text = (content: string): Reply => ({ content, usage });
const fourCalls = (): Reply[] => [json(outline), text('Section one'), text('Section two'), json(edited)];

/** One ai-agents process; each start is a new replica name in the same run group. */
function startAgents(replica: string): Started {
  const started = start(process.execPath, [`${root}apps/ai-agents/dist/main.js`], {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    REDIS_URL: redisUrl,
    DATABASE_URL: inject('appDatabaseUrl'),
    WORKER_DATABASE_URL: inject('workerDatabaseUrl'),
    JWKS_URL: jwks.url,
    AGENTS_MASTER_KEYS: MASTER_KEYS,
    OUTBOUND_ALLOWED_CIDRS: '127.0.0.0/8',
    RUN_GROUP: `e2e-durability-${run}`,
    CONSUMER_NAME: `e2e-durability-${run}-${replica}`,
    EVENT_STREAM_NAMESPACE: `test:e2ai:${run}:events`,
    RUN_LEASE_MS: String(RUN_LEASE_MS),
    RUN_POLL_INTERVAL_MS: '100',
  });
  processes.push(started);
  return started;
}

async function call(method: string, path: string, body?: object) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization, ...(body && { 'content-type': 'application/json' }) },
    ...(body && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function requestAnalysis(brief: string): Promise<string> {
  const accepted = await call('POST', '/api/v1/agents/analyses', {
    analysisType: 'content_generation',
    subject: { brief },
  });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
  return accepted.body.id as string;
}

async function analysisWhenFinished(id: string): Promise<Record<string, any>> {
  return eventually(
    async () => {
      const { body } = await call('GET', `/api/v1/agents/analyses/${id}`);
      return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
    },
    30_000,
    `analysis ${id} finished\n${recentOutput()}`,
  );
}

/** The analysis' events in the service's event store, by type (read as the owner: no tenant setting needed). */
async function eventCounts(id: string): Promise<Record<string, number>> {
  const { rows } = await owner.query<{ type: string; n: number }>(
    `SELECT type, count(*)::int AS n FROM ai_agents_event_store.events
      WHERE tenant_id = $1 AND aggregate_type = 'ai_analysis' AND aggregate_id = $2 GROUP BY type`,
    [tenantId, id],
  );
  return Object.fromEntries(rows.map((row) => [row.type, row.n]));
}

beforeAll(async () => {
  execFileSync(process.execPath, ['tools/build.mjs', 'ai-agents'], { cwd: root });
  port = await freePort();
  llm = await startLocalLlmServer({ apiKey: API_KEY });
  const key = await generateSigningKey();
  jwks = await startJwksServer(jwksOf(key));
  const claims = testClaims({ roles: ['admin'] });
  tenantId = claims.tenant_id;
  authorization = `Bearer ${await signTestToken(key, claims)}`;
  owner = new pg.Pool({ connectionString: inject('ownerDatabaseUrl'), max: 2 });
  startAgents('1');
  await untilReady(`http://127.0.0.1:${port}`, 30_000, recentOutput);
  const settings = await call('PUT', '/api/v1/agents/settings', {
    llm: {
      baseUrl: llm.url,
      model: 'local-model',
      apiKey: API_KEY,
      timeoutMs: HELD_MS * 2,
      promptPricePerMillion: '0.50',
      completionPricePerMillion: '1.50',
    },
  });
  expect(settings.status, JSON.stringify(settings.body)).toBe(200);
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  await Promise.allSettled([llm?.close(), jwks?.close(), owner?.end()]);
});

describe('a durable analysis through a SIGKILL', () => {
  it('a run SIGKILLed after 2 of 4 LLM calls finishes after restart with exactly 2 more calls and the same result', async () => {
    llm.setReply(scriptedReplies(fourCalls()));
    const before = llm.calls.length;
    const reference = await analysisWhenFinished(await requestAnalysis('Announce spring'));
    expect(reference, recentOutput()).toMatchObject({ status: 'completed', attempts: 1 });
    expect(llm.calls.length - before).toBe(4);

    // The 3rd call is held; the 3rd and 4th are answered again to whichever process asks.
    const [first, second, third, fourth] = fourCalls();
    llm.setReply(scriptedReplies([first!, second!, { ...third!, delayMs: HELD_MS }, third!, fourth!]));
    const killedAt = llm.calls.length;
    const id = await requestAnalysis('Announce spring');
    await eventually(
      async () => (llm.calls.length - killedAt === 3 ? true : undefined),
      30_000,
      `the 3rd LLM call of ${id}\n${recentOutput()}`,
    );
    expect(await processes[0]!.stop('SIGKILL')).toBeNull();
    const journaled = await owner.query<{ kind: string }>(
      'SELECT kind FROM ai_agents.analysis_steps WHERE analysis_id = $1 ORDER BY seq',
      [id],
    );
    expect(journaled.rows.map((row) => row.kind)).toEqual(['llm', 'llm']);

    const restartedAt = llm.calls.length;
    startAgents('2');
    await untilReady(`http://127.0.0.1:${port}`, 30_000, recentOutput);
    const resumed = await analysisWhenFinished(id);
    expect(resumed, recentOutput()).toMatchObject({ status: 'completed', attempts: 2 });
    expect(llm.calls.length - restartedAt).toBe(2);
    // The resumed run asks for the held section again, with the same messages.
    expect(llm.calls[restartedAt]!.messages).toEqual(llm.calls[killedAt + 2]!.messages);
    expect(resumed.result).toEqual(reference.result);
    expect(resumed.usage).toEqual(reference.usage);
    expect((resumed.steps as { kind: string; agent: string }[]).map((s) => `${s.kind}:${s.agent}`)).toEqual([
      'llm:content-strategist',
      'llm:content-writer',
      'llm:content-writer',
      'llm:content-editor',
    ]);
    expect(await eventCounts(id)).toEqual({
      'ai.analysis_requested': 1,
      'ai.analysis_started': 1,
      'ai.analysis_completed': 1,
    });
  }, 90_000);
});
