import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { DEFAULT_RULES } from './default-rules.ts';
import type { Rule } from './rule.ts';
import { rulesFeature } from './rules.routes.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({}, { features: [rulesFeature] });
});
afterAll(async () => {
  await t?.close();
});

const URL = '/api/v1/notifications/rules';
const LEAD_QUALIFIED_DEFAULT = DEFAULT_RULES.find((rule) => rule.eventType === 'lead.qualified')!;

type Caller = Awaited<ReturnType<typeof tenantCaller>>;
const call = (caller: Caller, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: caller.headers, ...(payload && { payload }) });
const list = async (caller: Caller, query = '') => {
  const res = await call(caller, 'GET', `${URL}${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: Rule[] }>().items;
};

const auditRule = {
  eventType: 'lead.converted',
  templateKey: 'conversion-audit',
  recipient: { type: 'email', email: 'audit@example.com' },
  channels: ['email'],
  when: [{ field: 'currency', in: ['USD', 'EUR'] }],
};

describe('notification rules', () => {
  it('lists every built-in rule for a tenant without rules of its own', async () => {
    const admin = await tenantCaller(t.key);
    const items = await list(admin);
    expect(items).toEqual(DEFAULT_RULES);
    expect(items.find((rule) => rule.eventType === 'customer.churn_risk_updated')?.when).toEqual([
      { field: 'newChurnRisk', gte: 70 },
      { field: 'previousChurnRisk', lt: 70 },
    ]);
    expect(await list(admin, '?eventType=user.created')).toMatchObject([{ templateKey: 'welcome', builtIn: true }]);
  });

  it('creates, reads, replaces and deletes a rule', async () => {
    const admin = await tenantCaller(t.key);
    const created = await call(admin, 'POST', URL, auditRule);
    expect(created.statusCode, created.body).toBe(201);
    const rule = created.json<Rule>();
    expect(rule).toMatchObject({ ...auditRule, enabled: true, builtIn: false });
    expect((await call(admin, 'GET', `${URL}/${rule.id}`)).json()).toEqual(rule);
    expect((await list(admin)).filter((item) => !item.builtIn)).toEqual([rule]);

    const replaced = await call(admin, 'PUT', `${URL}/${rule.id}`, {
      ...auditRule,
      recipient: { type: 'user', userId: admin.userId },
      channels: undefined,
      when: undefined,
      enabled: false,
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json()).toMatchObject({
      id: rule.id,
      recipient: { type: 'user', userId: admin.userId },
      channels: null,
      when: null,
      enabled: false,
    });

    expect((await call(admin, 'DELETE', `${URL}/${rule.id}`)).statusCode).toBe(204);
    expect((await call(admin, 'GET', `${URL}/${rule.id}`)).statusCode).toBe(404);
    expect((await call(admin, 'DELETE', `${URL}/${rule.id}`)).statusCode).toBe(404);
  });

  it('refuses a second rule for the same event and template', async () => {
    const admin = await tenantCaller(t.key);
    expect((await call(admin, 'POST', URL, auditRule)).statusCode).toBe(201);
    const again = await call(admin, 'POST', URL, { ...auditRule, recipient: { type: 'actor' } });
    expect(again.statusCode).toBe(422);
    expect(again.json()).toMatchObject({ error: 'BUSINESS_RULE_VIOLATION', details: { rule: 'rule_unique' } });
    const other = (await call(admin, 'POST', URL, { ...auditRule, templateKey: 'conversion-other' })).json<Rule>();
    const moved = await call(admin, 'PUT', `${URL}/${other.id}`, auditRule);
    expect(moved.json()).toMatchObject({ details: { rule: 'rule_unique' } });
  });

  it('replaces a built-in rule with the tenant’s own, and brings it back when that is deleted', async () => {
    const admin = await tenantCaller(t.key);
    const disabled = await call(admin, 'PUT', `${URL}/${LEAD_QUALIFIED_DEFAULT.id}`, {
      eventType: 'lead.qualified',
      templateKey: 'lead-qualified',
      recipient: { type: 'actor' },
      enabled: false,
    });
    expect(disabled.statusCode, disabled.body).toBe(200);
    const own = disabled.json<Rule>();
    expect(own).toMatchObject({ builtIn: false, enabled: false });
    expect(own.id).not.toBe(LEAD_QUALIFIED_DEFAULT.id);
    expect(await list(admin, '?eventType=lead.qualified')).toEqual([own]);
    expect((await call(admin, 'GET', `${URL}/${LEAD_QUALIFIED_DEFAULT.id}`)).statusCode).toBe(404);

    expect((await call(admin, 'DELETE', `${URL}/${own.id}`)).statusCode).toBe(204);
    expect(await list(admin, '?eventType=lead.qualified')).toEqual([LEAD_QUALIFIED_DEFAULT]);

    const created = await call(admin, 'POST', URL, {
      eventType: 'lead.qualified',
      templateKey: 'lead-qualified',
      recipient: { type: 'actor' },
      enabled: false,
    });
    expect(created.statusCode).toBe(201);
    expect(await list(admin, '?eventType=lead.qualified')).toEqual([created.json()]);
  });

  it('keeps a built-in rule’s key and refuses to delete it', async () => {
    const admin = await tenantCaller(t.key);
    const rekeyed = await call(admin, 'PUT', `${URL}/${LEAD_QUALIFIED_DEFAULT.id}`, {
      eventType: 'lead.qualified',
      templateKey: 'something-else',
      recipient: { type: 'actor' },
    });
    expect(rekeyed.statusCode).toBe(422);
    expect(rekeyed.json()).toMatchObject({ details: { rule: 'built_in_rule_key' } });
    const deleted = await call(admin, 'DELETE', `${URL}/${LEAD_QUALIFIED_DEFAULT.id}`);
    expect(deleted.json()).toMatchObject({ details: { rule: 'built_in_rule' } });
    expect(await list(admin, '?eventType=lead.qualified')).toEqual([LEAD_QUALIFIED_DEFAULT]);
  });

  it('refuses unknown fields, event types and misplaced recipients by name', async () => {
    const admin = await tenantCaller(t.key);
    const unknown = await call(admin, 'POST', URL, { ...auditRule, priority: 'high' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('priority');
    const type = await call(admin, 'POST', URL, { ...auditRule, eventType: 'lead.created' });
    expect(type.statusCode).toBe(400);
    expect(type.body).toContain('eventType');
    const subject = await call(admin, 'POST', URL, { ...auditRule, recipient: { type: 'subject_user' } });
    expect(subject.statusCode).toBe(400);
    expect(subject.body).toContain('recipient.type');
    const operator = await call(admin, 'POST', URL, { ...auditRule, when: [{ field: 'currency' }] });
    expect(operator.statusCode).toBe(400);
  });

  it('lets a member read but not write, and hides another tenant’s rules', async () => {
    const admin = await tenantCaller(t.key);
    const rule = (await call(admin, 'POST', URL, auditRule)).json<Rule>();
    const member = await tenantCaller(t.key, ['member'], admin.tenantId);
    expect((await call(member, 'GET', `${URL}/${rule.id}`)).statusCode).toBe(200);
    expect((await call(member, 'POST', URL, { ...auditRule, templateKey: 'member-rule' })).statusCode).toBe(403);
    expect((await call(member, 'PUT', `${URL}/${rule.id}`, auditRule)).statusCode).toBe(403);
    expect((await call(member, 'DELETE', `${URL}/${rule.id}`)).statusCode).toBe(403);

    const stranger = await tenantCaller(t.key);
    expect((await call(stranger, 'GET', `${URL}/${rule.id}`)).statusCode).toBe(404);
    expect((await call(stranger, 'PUT', `${URL}/${rule.id}`, auditRule)).statusCode).toBe(404);
    expect((await call(stranger, 'DELETE', `${URL}/${rule.id}`)).statusCode).toBe(404);
    expect((await list(stranger)).some((item) => item.id === rule.id)).toBe(false);
    expect((await call(admin, 'GET', `${URL}/${randomUUID()}`)).statusCode).toBe(404);
  });
});
