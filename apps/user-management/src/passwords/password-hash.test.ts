import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword, type ScryptParams } from './password-hash.ts';
import { assertPasswordPolicy } from './password-policy.ts';

// Low cost for the property runs; the format and comparison are what is under test.
const cheap: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };

describe('password hash', () => {
  it('verifies the password it was made from and no other', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        async (p, q) => {
          fc.pre(p.normalize('NFKC') !== q.normalize('NFKC'));
          const hash = await hashPassword(p, cheap);
          expect(await verifyPassword(hash, p)).toBe(true);
          expect(await verifyPassword(hash, q)).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('keeps parameters and salt in the string and salts every hash', async () => {
    const [a, b] = await Promise.all([
      hashPassword('correct horse battery', cheap),
      hashPassword('correct horse battery', cheap),
    ]);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
  });

  it('refuses strings that are not its hashes', async () => {
    expect(await verifyPassword('plain', 'plain')).toBe(false);
    expect(await verifyPassword('scrypt$x$8$1$AA==$AA==', 'x')).toBe(false);
  });
});

describe('password policy', () => {
  it('needs ten characters and not the e-mail', () => {
    expect(() => assertPasswordPolicy('short', 'a@b.example')).toThrow('Password does not meet the policy');
    expect(() => assertPasswordPolicy('Jane.Doe@Example.com', 'jane.doe@example.com')).toThrow();
    expect(() => assertPasswordPolicy('jane.doe.smith', 'jane.doe.smith@example.com')).toThrow();
    expect(() => assertPasswordPolicy('a long enough secret', 'jane@example.com')).not.toThrow();
  });
});
