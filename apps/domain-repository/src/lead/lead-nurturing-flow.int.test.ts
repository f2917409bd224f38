import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, newLeadBody, score, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';

type Caller = Awaited<ReturnType<typeof tenantCaller>>;

let t: TestApp;
const now = new Date('2026-03-01T10:00:00.000Z');
beforeAll(async () => {
  t = await startTestApp({}, { now: () => now });
});
afterAll(async () => {
  await t?.close();
});

async function createLead(caller: Caller): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/leads',
    headers: caller.headers,
    payload: newLeadBody(),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}
const post = (caller: Caller, url: string, payload?: object) =>
  t.app.inject({ method: 'POST', url, headers: caller.headers, ...(payload && { payload }) });
const get = (caller: Caller, url: string) => t.app.inject({ method: 'GET', url, headers: caller.headers });

describe('nurturing a lead (POST /api/v1/leads/{leadId}/nurture)', () => {
  it('marks a new lead, repeats as no change, and qualification ends it', async () => {
    const caller = await tenantCaller(t.key);
    const leadId = await createLead(caller);
    const marked = await post(caller, `/api/v1/leads/${leadId}/nurture`);
    expect(marked.statusCode, marked.body).toBe(200);
    expect(marked.json()).toMatchObject({
      status: 'new',
      version: 2,
      nurturing: true,
      nurturingSince: now.toISOString(),
    });
    const again = await post(caller, `/api/v1/leads/${leadId}/nurture`, {});
    expect(again.json()).toMatchObject({ version: 2, nurturing: true });
    const qualified = await post(caller, `/api/v1/leads/${leadId}/qualify`, { score });
    expect(qualified.json()).toMatchObject({ status: 'qualified', nurturing: false, nurturingSince: null });
    const refused = await post(caller, `/api/v1/leads/${leadId}/nurture`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().details).toEqual({
      rule: 'lead.nurture.requires_new_or_contacted',
      currentStatus: 'qualified',
      leadId,
    });
  });

  it('the list filters on nurturing=true|false and refuses any other value', async () => {
    const caller = await tenantCaller(t.key);
    const [nurtured, other] = [await createLead(caller), await createLead(caller)];
    await post(caller, `/api/v1/leads/${nurtured}/nurture`);
    const ids = async (query: string) =>
      (await get(caller, `/api/v1/leads?${query}`)).json().items.map((item: { id: string }) => item.id);
    await eventually(
      () => ids('nurturing=true'),
      (found) => expect(found).toEqual([nurtured]),
    );
    expect(await ids('nurturing=false')).toEqual([other]);
    const listed = (await get(caller, '/api/v1/leads?nurturing=true')).json().items[0];
    expect(listed).toMatchObject({ nurturing: true, nurturingSince: now.toISOString() });
    const bad = await get(caller, '/api/v1/leads?nurturing=yes');
    expect([bad.statusCode, bad.json().error]).toEqual([400, 'VALIDATION_ERROR']);
  });
});

describe("a lead's interactions (GET /api/v1/leads/{leadId}/interactions)", () => {
  it('lists them newest first by when they happened, page by page', async () => {
    const caller = await tenantCaller(t.key);
    const leadId = await createLead(caller);
    const record = (kind: string, summary: string, interactedAt: string) =>
      post(caller, `/api/v1/leads/${leadId}/interactions`, { kind, summary, interactedAt });
    await record('call', 'Intro call', '2026-02-01T09:00:00.000Z');
    await record('meeting', 'Demo', '2026-02-20T15:00:00.000Z');
    await record('email', 'Sent the proposal', '2026-02-10T12:00:00.000Z');
    const first = await get(caller, `/api/v1/leads/${leadId}/interactions?limit=2`);
    expect(first.statusCode, first.body).toBe(200);
    const page = first.json();
    expect(page.items.map((item: { summary: string }) => item.summary)).toEqual(['Demo', 'Sent the proposal']);
    expect(page.items[0]).toEqual({
      interactionId: expect.any(String),
      kind: 'meeting',
      summary: 'Demo',
      interactedAt: '2026-02-20T15:00:00.000Z',
      recordedAt: now.toISOString(),
    });
    expect(page.nextCursor).toBe(page.items[1].interactionId);
    const second = (await get(caller, `/api/v1/leads/${leadId}/interactions?limit=2&cursor=${page.nextCursor}`)).json();
    expect(second.items.map((item: { summary: string }) => item.summary)).toEqual(['Intro call']);
    expect(second.nextCursor).toBeNull();
  });

  it("answers 404 for another tenant's lead, and refuses unknown query parameters", async () => {
    const owner = await tenantCaller(t.key);
    const leadId = await createLead(owner);
    const stranger = await tenantCaller(t.key);
    const hidden = await get(stranger, `/api/v1/leads/${leadId}/interactions`);
    expect([hidden.statusCode, hidden.json().error]).toEqual([404, 'TENANT_ISOLATION_VIOLATION']);
    const empty = await get(owner, `/api/v1/leads/${leadId}/interactions`);
    expect(empty.json()).toEqual({ items: [], nextCursor: null });
    const bad = await get(owner, `/api/v1/leads/${leadId}/interactions?offset=2`);
    expect([bad.statusCode, bad.json().details.issues[0].path]).toEqual([400, 'offset']);
  });
});
