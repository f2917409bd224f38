import { describe, expect, it } from 'vitest';
import { derivedId } from './derived-id.ts';

describe('derivedId', () => {
  it('is the same UUID for the same parts and another for other parts', () => {
    const id = derivedId('tenant', 'campaign', 'email');
    expect(id).toBe(derivedId('tenant', 'campaign', 'email'));
    expect(id).not.toBe(derivedId('tenant', 'campaign', 'sms'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
