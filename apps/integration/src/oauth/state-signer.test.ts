import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createStateSigner, stateHash, type ConnectState } from './state-signer.ts';

const key = () => randomBytes(32).toString('base64');
const state = (overrides: Partial<ConnectState> = {}): ConnectState => ({
  sessionId: randomUUID(),
  tenantId: randomUUID(),
  expiresAt: 1_800_000_000_000,
  returnTo: 'https://app.example.com/settings?tab=integrations',
  ...overrides,
});

describe('connect state signatures', () => {
  it('verifies what it signed, with or without a page to return to', () => {
    const signer = createStateSigner({ k1: key() });
    const signed = state();
    expect(signer.verify(signer.sign(signed))).toEqual(signed);
    const plain = state({ returnTo: null });
    expect(signer.verify(signer.sign(plain))).toEqual(plain);
  });

  it('refuses any change to the state: one character anywhere', () => {
    const signer = createStateSigner({ k1: key() });
    const token = signer.sign(state());
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.constantFrom(...'ABCdef012-_.'), (at, char) => {
        fc.pre(token[at] !== char);
        expect(signer.verify(`${token.slice(0, at)}${char}${token.slice(at + 1)}`)).toBeNull();
      }),
    );
  });

  it("refuses another key's signature and keeps verifying the old key's states after a rotation", () => {
    const [old, next] = [key(), key()];
    const before = createStateSigner({ k1: old });
    const foreign = createStateSigner({ k1: key() });
    const rotated = createStateSigner({ k1: old, k2: next }, 'k2');
    const issued = state();
    expect(foreign.verify(before.sign(issued))).toBeNull();
    expect(rotated.verify(before.sign(issued))).toEqual(issued);
    expect(rotated.sign(issued).startsWith('k2.')).toBe(true);
    expect(createStateSigner({ k2: next }).verify(before.sign(issued))).toBeNull();
  });

  it('refuses malformed states without throwing', () => {
    const signer = createStateSigner({ k1: key() });
    for (const text of ['', 'k1', 'k1..', 'k1.e30.', 'a.b.c.d', '...']) expect(signer.verify(text)).toBeNull();
  });

  it('hashes a state to the hex SHA-256 the session stores', () => {
    expect(stateHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
