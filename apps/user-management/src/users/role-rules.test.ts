import { describe, expect, it } from 'vitest';
import { assertCanAssign, assertCanManage, assertOwnerRemains } from './role-rules.ts';

describe('role rules', () => {
  it('lets only owners grant owner', () => {
    expect(() => assertCanAssign(['admin'], 'owner')).toThrow('Only an owner can grant the owner role');
    expect(() => assertCanAssign(['admin'], 'manager')).not.toThrow();
    expect(() => assertCanAssign(['owner'], 'owner')).not.toThrow();
  });

  it('lets only owners change owners', () => {
    expect(() => assertCanManage(['admin'], { role: 'owner' })).toThrow('Only an owner can change an owner');
    expect(() => assertCanManage(['admin'], { role: 'viewer' })).not.toThrow();
  });

  it('keeps the last active owner', () => {
    const owner = { role: 'owner', status: 'active' };
    expect(() => assertOwnerRemains(owner, 1, true)).toThrow('The last owner');
    expect(() => assertOwnerRemains(owner, 2, true)).not.toThrow();
    expect(() => assertOwnerRemains(owner, 1, false)).not.toThrow();
    expect(() => assertOwnerRemains({ role: 'admin', status: 'active' }, 1, true)).not.toThrow();
  });
});
