import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-support.ts';

type Schema = { properties?: Record<string, unknown>; $ref?: string; allOf?: Schema[] };
type Operation = {
  operationId?: string;
  tags?: string[];
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  tags?: { name: string; description?: string }[];
  components?: { schemas?: Record<string, Schema> };
};

let t: TestApp;
let doc: Document;
beforeAll(async () => {
  t = await startTestApp();
  doc = t.app.swagger() as unknown as Document;
});
afterAll(async () => {
  await t?.close();
});

const apiOperations = () =>
  Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/v1/'))
    .flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));

/** A schema with its reference (or a single allOf of one) followed into the document's components. */
function resolved(schema: Schema | undefined): Schema | undefined {
  const ref = schema?.$ref ?? (schema?.allOf?.length === 1 ? schema.allOf[0]!.$ref : undefined);
  return ref ? resolved(doc.components?.schemas?.[ref.replace('#/components/schemas/', '')]) : schema;
}

/** The property names of the body the operation documents for `status` (none when it documents no such answer). */
const documentedFields = (operation: Operation, status: string) =>
  Object.keys(resolved(operation.responses[status]?.content?.['application/json']?.schema)?.properties ?? {}).sort();

describe('domain-repository OpenAPI document', () => {
  it('has no two equivalent paths (the same template up to parameter names)', () => {
    const templates = Object.keys(doc.paths).map((path) => path.replace(/\{[^}]+\}/g, '{}'));
    expect(templates.filter((template, i) => templates.indexOf(template) !== i)).toEqual([]);
    expect(doc.paths['/api/v1/crm-events/{provider}']).toHaveProperty('post');
    expect(doc.paths['/api/v1/crm-events/{provider}/{crmEventId}']).toHaveProperty('get');
  });

  it('names every operation with a unique operationId and tags it', () => {
    const operations = apiOperations();
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths['/api/v1/leads/{leadId}/qualify']!.post!.operationId).toBe('qualifyLead');
    expect(doc.paths['/api/v1/customers/{customerId}/purchases']!.post!.operationId).toBe('recordCustomerPurchase');
    expect(doc.paths['/api/v1/campaigns/{campaignId}/launch']!.post!.operationId).toBe('launchCampaign');
    for (const { path, operation } of operations) expect([path, operation.tags?.length]).toEqual([path, 1]);
  });

  it('describes each aggregate tag in its own words', () => {
    const described = Object.fromEntries((doc.tags ?? []).map((tag) => [tag.name, tag.description]));
    for (const tag of ['leads', 'customers', 'campaigns', 'crm-events'])
      expect(described[tag]).toMatch(/^[A-Z].*(aggregate|CRM|HubSpot)/);
  });

  it('declares 409 and 422 on commands on an existing aggregate, 422 on creates, neither on reads', () => {
    const shape = ['details', 'error', 'message'];
    for (const { path, method, operation } of apiOperations()) {
      const declared = [documentedFields(operation, '409'), documentedFields(operation, '422')];
      // The lead-scoring policy is a tenant setting, not an aggregate: no version, no transition rules.
      if (path.startsWith('/api/v1/crm-events') || path === '/api/v1/lead-scoring-policy' || method === 'get')
        expect([path, method, declared]).toEqual([path, method, [[], []]]);
      else if (path.includes('{')) expect([path, method, declared]).toEqual([path, method, [shape, shape]]);
      else expect([path, method, declared]).toEqual([path, method, [[], shape]]);
    }
  });
});
