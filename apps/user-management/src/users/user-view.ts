import { z } from 'zod';
import { ROLES } from '@bizosaas/auth';

export const USER_STATUSES = ['active', 'invited', 'deactivated'] as const;

export const userView = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  role: z.enum(ROLES),
  status: z.enum(USER_STATUSES),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type UserView = z.infer<typeof userView>;

interface UserRow {
  id: string;
  tenantId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  role: string;
  status: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The public shape of a user: never the password hash or invitation hash. */
export function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    tenantId: row.tenantId,
    email: row.email,
    firstName: row.firstName,
    lastName: row.lastName,
    role: row.role as UserView['role'],
    status: row.status as UserView['status'],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
