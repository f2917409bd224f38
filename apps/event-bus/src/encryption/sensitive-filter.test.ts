import { describe, expect, it } from 'vitest';
import { sensitiveFilterIssues } from './sensitive-filter.ts';

describe('subscription filters on encrypted fields', () => {
  it('refuses a filter on, inside or around a sensitive field of any type the pattern covers', () => {
    expect(sensitiveFilterIssues('lead.created', { 'data.contact.email': 'a@b.c' }).map((i) => i.path)).toEqual([
      'filter.data.contact.email',
    ]);
    expect(
      sensitiveFilterIssues('lead.*', { 'data.contact': {}, 'data.source': 'website_form' }).map((i) => i.path),
    ).toEqual(['filter.data.contact']);
    expect(sensitiveFilterIssues('*', { 'data.ownerEmail': 'x', data: {} }).map((i) => i.path)).toEqual([
      'filter.data.ownerEmail',
      'filter.data',
    ]);
  });

  it('accepts filters on plain fields, and on a field that is sensitive only in types the pattern does not cover', () => {
    expect(
      sensitiveFilterIssues('lead.created', {
        'data.source': 'website_form',
        tenantId: 'x',
        'data.contact.company': 'Acme',
      }),
    ).toEqual([]);
    expect(sensitiveFilterIssues('campaign.*', { 'data.ownerEmail': 'x' })).toEqual([]);
  });
});
