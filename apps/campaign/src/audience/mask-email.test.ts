import { describe, expect, it } from 'vitest';
import { maskEmail } from './mask-email.ts';

describe('maskEmail', () => {
  it('keeps the first character and the domain', () => {
    expect(maskEmail('john.doe@example.com')).toBe('j***@example.com');
    expect(maskEmail('a@b.io')).toBe('a***@b.io');
  });

  it('shows nothing of a sealed, missing or malformed address', () => {
    expect(maskEmail('enc:v1:1:c2VhbGVk')).toBeNull();
    expect(maskEmail(null)).toBeNull();
    expect(maskEmail('@example.com')).toBeNull();
    expect(maskEmail('nobody@')).toBeNull();
  });
});
