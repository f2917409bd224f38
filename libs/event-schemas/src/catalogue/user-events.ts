import { z } from 'zod';
import { defineEvent } from '../define-event.ts';
import { personalEmail, personName } from './values.ts';

const role = z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, 'must be a snake_case role name');

// The user's id is the envelope's aggregateId; data never repeats it.
export const userCreated = defineEvent({
  type: 'user.created',
  aggregateType: 'user',
  description: 'A user account was created in a tenant (signed up or invited).',
  data: z.object({
    email: personalEmail,
    // Names are optional at sign-up and invitation; null until the user gives them.
    firstName: personName.nullable(),
    lastName: personName.nullable(),
    roles: z.array(role).min(1),
    status: z.enum(['active', 'invited']),
  }),
  example: {
    email: 'jane.doe@example.com',
    firstName: 'Jane',
    lastName: 'Doe',
    roles: ['tenant_admin'],
    status: 'active',
  },
});

export const userUpdated = defineEvent({
  type: 'user.updated',
  aggregateType: 'user',
  description: 'Profile fields or roles of a user changed; `changes` holds only the new values.',
  data: z.object({
    changes: z
      .object({
        email: personalEmail,
        firstName: personName,
        lastName: personName,
        roles: z.array(role).min(1),
      })
      .partial()
      .refine((changes) => Object.keys(changes).length > 0, 'must change at least one field'),
  }),
  example: { changes: { lastName: 'Smith', roles: ['tenant_admin', 'marketing_manager'] } },
});

export const userDeactivated = defineEvent({
  type: 'user.deactivated',
  aggregateType: 'user',
  description: 'A user can no longer sign in; their sessions and refresh tokens are revoked.',
  data: z.object({
    reason: z.enum(['left_company', 'security', 'admin_request', 'tenant_closed', 'other']),
    note: z.string().max(500).nullable(),
  }),
  example: { reason: 'left_company', note: null },
});
