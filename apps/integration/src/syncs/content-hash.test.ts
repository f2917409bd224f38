import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from './content-hash.ts';

describe('content hash', () => {
  it('is the same whatever order the fields come in, at every level', () => {
    const a = { properties: { email: 'a@example.com', firstname: 'Ada' }, archived: false, tags: [1, { y: 2, x: 1 }] };
    const b = { tags: [1, { x: 1, y: 2 }], archived: false, properties: { firstname: 'Ada', email: 'a@example.com' } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(contentHash(a)).toBe(contentHash(b));
    expect(canonicalJson(a)).toBe(
      '{"archived":false,"properties":{"email":"a@example.com","firstname":"Ada"},"tags":[1,{"x":1,"y":2}]}',
    );
  });

  it('changes with any value, and leaves undefined members out (null stays)', () => {
    const base = { email: 'a@example.com', phone: null };
    expect(contentHash(base)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(contentHash({ ...base, phone: '+1 555' })).not.toBe(contentHash(base));
    expect(contentHash({ ...base, extra: undefined })).toBe(contentHash(base));
    expect(contentHash({ email: 'a@example.com' })).not.toBe(contentHash(base));
    // Array order is content.
    expect(contentHash([1, 2])).not.toBe(contentHash([2, 1]));
  });
});
