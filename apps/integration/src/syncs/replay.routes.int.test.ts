// POST /syncs/:id/replay before any archive is read: permission, strict body, window rules, the
// models it replays, one run of a sync at a time, a replica without replays configured, an
// event-bus that does not answer; and the API document.
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiProblems } from '@bizosaas/service-kit/testing';
import { startHubspotServer, type HubspotServer } from '../testing/hubspot-server.ts';
import { startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { createSyncsFeature } from './syncs-feature.ts';
import { startCrmReceiver, type CrmReceiver } from './testing/crm-receiver.ts';
import { createSync, oauthConnection, runsOf, startRunOf } from './testing/sync-fixtures.ts';

let t: TestApp;
let bare: TestApp;
let hubspot: HubspotServer;
let receiver: CrmReceiver;
let syncs: ReturnType<typeof createSyncsFeature>;
// An event-bus that accepts connections and never answers, until it is closed.
const silent = { sockets: [] as Socket[], server: createServer((socket) => silent.sockets.push(socket)) };

beforeAll(async () => {
  hubspot = await startHubspotServer({ contacts: 150 });
  receiver = await startCrmReceiver();
  silent.server.listen(0, '127.0.0.1');
  await once(silent.server, 'listening');
  const { port } = silent.server.address() as { port: number };
  syncs = createSyncsFeature({
    crmTokens: async () => 'token',
    domainRepositoryUrl: receiver.url,
    archive: { baseUrl: `http://127.0.0.1:${port}`, token: async () => 'token' },
    scheduler: false,
  });
  const env = { PROVIDER_OVERRIDES: JSON.stringify({ hubspot: { baseUrl: hubspot.baseUrl } }) };
  t = await startTestApp(env, { features: [syncs.feature] });
  bare = await startTestApp(env, { features: [createSyncsFeature({ scheduler: false }).feature] });
});
afterAll(async () => {
  await Promise.allSettled([t?.close(), bare?.close()]);
  await Promise.allSettled([hubspot?.close(), receiver?.close()]);
  for (const socket of silent.sockets) socket.destroy();
  silent.server.close();
});

const window = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() };
const replay = (app: TestApp, syncId: string, headers: Record<string, string>, payload: object = window) =>
  app.app.inject({ method: 'POST', url: `/api/v1/integrations/syncs/${syncId}/replay`, headers, payload });

async function contactsSync() {
  const caller = await tenantCaller(t.key);
  const connectionId = await oauthConnection(t, caller.tenantId, 'hubspot', hubspot.accessToken);
  return { caller, syncId: await createSync(t, caller, { connectionId, model: 'contacts', mode: 'full' }) };
}

describe('POST /syncs/:id/replay', () => {
  it('checks the permission before the body, then refuses unknown fields and broken windows by name', async () => {
    const { caller, syncId } = await contactsSync();
    const member = await tenantCaller(t.key, ['member'], caller.tenantId);
    const forbidden = await replay(t, syncId, member.headers, { from: 'yesterday' });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ error: 'FORBIDDEN' });
    const unknown = await replay(t, syncId, caller.headers, { ...window, models: ['contacts'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details.issues).toEqual([{ path: 'models', message: 'unknown field', location: 'body' }]);
    const backwards = await replay(t, syncId, caller.headers, { from: window.to, to: window.from });
    expect(backwards.json()).toMatchObject({
      error: 'VALIDATION_ERROR',
      details: { issues: [{ path: 'to', message: 'must be after from' }] },
    });
    const long = await replay(t, syncId, caller.headers, { from: '2026-01-01T00:00:00Z', to: '2026-02-02T00:00:00Z' });
    expect(long.json().details.issues).toMatchObject([{ path: 'to', message: 'must be at most 31 days after from' }]);
    const future = await replay(t, syncId, caller.headers, {
      from: window.from,
      to: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().details.issues).toMatchObject([{ path: 'to' }]);
    expect(await runsOf(t, caller, syncId)).toEqual([]);
  });

  it('replays contacts only: a campaign metrics sync is 422 replay_model_unsupported', async () => {
    const caller = await tenantCaller(t.key);
    const connectionId = await oauthConnection(t, caller.tenantId, 'google_ads', 'ads-token', '123-456-7890');
    const syncId = await createSync(t, caller, { connectionId, model: 'campaign_metrics', mode: 'incremental' });
    const res = await replay(t, syncId, caller.headers);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      error: 'BUSINESS_RULE_VIOLATION',
      details: { rule: 'replay_model_unsupported', model: 'campaign_metrics', supported: ['contacts'] },
    });
  });

  it('is one run of the sync at a time: 409 while a pass goes on, and a pass is 409 while a replay goes on', async () => {
    const { caller, syncId } = await contactsSync();
    const held = receiver.holdAfter(0);
    const passId = await startRunOf(t, caller, syncId);
    await held;
    const refused = await replay(t, syncId, caller.headers);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: 'CONFLICT', details: { runId: passId } });
    receiver.release();
    expect(await syncs.runner().outcomeOf(passId)).toBe('completed');

    const started = await replay(t, syncId, caller.headers);
    expect(started.statusCode, started.body).toBe(202);
    const { runId } = started.json<{ runId: string }>();
    const pass = await t.app.inject({
      method: 'POST',
      url: `/api/v1/integrations/syncs/${syncId}/run`,
      headers: caller.headers,
    });
    expect(pass.statusCode).toBe(409);
    expect(pass.json()).toMatchObject({ details: { runId } });
    // The event-bus goes away: the replay fails with the reason, and the sync may run again.
    silent.server.close();
    for (const socket of silent.sockets.splice(0)) socket.destroy();
    expect(await syncs.replays().outcomeOf(runId)).toBe('failed');
    expect((await runsOf(t, caller, syncId))[0]).toMatchObject({
      id: runId,
      kind: 'replay',
      status: 'failed',
      fetched: 0,
      error: expect.stringContaining('event-bus unreachable'),
      replay: { from: window.from, to: window.to, duplicates: 0 },
    });
    const again = await startRunOf(t, caller, syncId);
    expect(await syncs.runner().outcomeOf(again)).toBe('completed');
  });

  it('answers 503 naming what a replica without an archive lacks', async () => {
    const caller = await tenantCaller(bare.key);
    const connectionId = await oauthConnection(bare, caller.tenantId, 'hubspot', hubspot.accessToken);
    const syncId = await createSync(bare, caller, { connectionId, model: 'contacts', mode: 'full' });
    const res = await replay(bare, syncId, caller.headers);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: 'SERVICE_UNAVAILABLE', details: { missing: ['archive', 'crmTokens'] } });
  });
});

describe('the replay operation in the API document', () => {
  it('passes spectral:oas and declares its security and error answers', async () => {
    const spec = (await t.app.inject({ url: '/docs/json' })).json();
    expect(await openApiProblems(spec)).toEqual([]);
    const operation = spec.paths['/api/v1/integrations/syncs/{id}/replay'].post;
    expect(operation).toMatchObject({ operationId: 'replaySync', tags: ['syncs'], security: [{ bearerAuth: [] }] });
    expect(Object.keys(operation.responses).sort()).toEqual(
      ['202', '400', '401', '403', '404', '409', '413', '415', '422', '503'].sort(),
    );
  });
});
