import { describe, expect, it } from 'vitest';
import { compareLogPositions } from './log-position.ts';
import { defineProjection, handlesType, type Projection } from './projection.ts';
import { generationTables, projectionViews } from './table-names.ts';

const valid: Projection<unknown, 'lead_list'> = {
  name: 'lead_list',
  version: 1,
  tables: ['lead_list'],
  handles: ['lead.created'],
  ddl: (t) => `CREATE TABLE ${t.lead_list} (id uuid)`,
  apply: async () => {},
};

describe('defineProjection', () => {
  it('returns a valid definition unchanged', () => {
    expect(defineProjection(valid)).toBe(valid);
  });

  it.each([
    [{ name: 'Lead-List' }, /Bad projection name/],
    [{ version: 0 }, /version must be an integer >= 1/],
    [{ tables: [] }, /no tables/],
    [{ tables: ['events'] }, /bad table name events/],
    [{ tables: ['x'.repeat(49)] }, /bad table name/],
    [{ apply: undefined }, /give apply or applyBatch/],
  ])('rejects %o', (change, message) => {
    expect(() => defineProjection({ ...valid, ...change } as Projection<unknown, 'lead_list'>)).toThrow(message);
  });

  it('matches types by list or predicate', () => {
    expect(handlesType(valid, 'lead.created')).toBe(true);
    expect(handlesType(valid, 'lead.qualified')).toBe(false);
    expect(handlesType({ ...valid, handles: (type) => type.startsWith('lead.') }, 'lead.qualified')).toBe(true);
  });
});

describe('table names', () => {
  it('suffixes physical tables with the generation and names views after the logical table', () => {
    expect(generationTables('crm', valid, 2)).toEqual({ lead_list: '"crm"."lead_list_g2"' });
    expect(projectionViews('crm', valid)).toEqual({ lead_list: '"crm"."lead_list"' });
  });
});

describe('compareLogPositions', () => {
  it('orders by transaction id, then position, as numbers', () => {
    const at = (transactionId: string, globalPosition: string) => ({ transactionId, globalPosition });
    expect(compareLogPositions(at('9', '100'), at('10', '1'))).toBe(-1);
    expect(compareLogPositions(at('10', '99'), at('10', '100'))).toBe(-1);
    expect(compareLogPositions(at('10', '100'), at('10', '100'))).toBe(0);
    expect(compareLogPositions(at('18446744073709551615', '1'), at('18446744073709551614', '2'))).toBe(1);
  });
});
