import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { valueObject, type ValueOf } from './value-object.ts';

const Email = valueObject('Email', z.email().trim().toLowerCase());
type Email = ValueOf<typeof Email>;
const Address = valueObject(
  'Address',
  z.object({ street: z.string().min(1), city: z.string().min(1), lines: z.array(z.string()).max(2) }),
);

function validationErrorOf(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('valueObject', () => {
  it('creates the parsed, normalised value', () => {
    const email: Email = Email.create('Ada@Example.COM');
    expect(email).toBe('ada@example.com');
    expect(Email.equals(email, Email.create('ada@example.com'))).toBe(true);
  });

  it('rejects bad input with a ValidationError listing every issue under the given path', () => {
    const error = validationErrorOf(() =>
      Address.create({ street: '', lines: ['a', 'b', 'c'] }, { path: 'contact.address', location: 'body' }),
    );
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.details.issues).toEqual([
      { path: 'contact.address.street', message: expect.any(String), location: 'body' },
      { path: 'contact.address.city', message: expect.any(String), location: 'body' },
      { path: 'contact.address.lines', message: expect.any(String), location: 'body' },
    ]);
    expect(error.message).toMatch(/^Invalid Address: contact\.address\.street: /);
    expect(validationErrorOf(() => Email.create('not-an-email')).details.issues).toEqual([
      { path: '', message: expect.any(String) },
    ]);
  });

  it('freezes objects all the way down and compares by value', () => {
    const address = Address.create({ street: 'Main St 1', city: 'Lyon', lines: ['c/o Ada'] });
    expect(Object.isFrozen(address) && Object.isFrozen(address.lines)).toBe(true);
    expect(() => (address.lines as string[]).push('x')).toThrow(TypeError);
    const same = Address.create({ street: 'Main St 1', city: 'Lyon', lines: ['c/o Ada'] });
    expect(same).not.toBe(address);
    expect(Address.equals(address, same)).toBe(true);
    expect(Address.equals(address, Address.create({ street: 'Main St 1', city: 'Nice', lines: [] }))).toBe(false);
  });
});
