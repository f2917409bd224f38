import pg from 'pg';
import { withTransaction } from '../transactions/with-transaction.ts';
import { withMaintenanceClient } from './maintenance-client.ts';

/** The role every service connects as. Migrations grant it rights; it owns nothing. */
export const APP_ROLE = 'bizosaas_app';
export const DEV_APP_PASSWORD = 'bizosaas_app';
/**
 * The role of background workers that read across tenants (outbox relay, projection manager):
 * tables grant it rights through policies of its own; like the app role it owns nothing and
 * cannot bypass row-level security.
 */
export const WORKER_ROLE = 'bizosaas_worker';
export const DEV_WORKER_PASSWORD = 'bizosaas_worker';

const ATTRIBUTES = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';
const HAS_ATTRIBUTES =
  'rolcanlogin AND NOT (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls)';
// Roles are cluster-wide and concurrent CREATE/ALTER ROLE on one role fail ("tuple concurrently
// updated"); an advisory lock in the maintenance database serialises migrate runs for any database.
const ROLE_LOCK_KEY = 0x62697a6f; // "bizo"

export type AppRoleOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Creates the app role if it is missing (password: `password`, else the dev default) and
 * restores its attributes (LOGIN, NOSUPERUSER, NOBYPASSRLS, ...) if someone changed them. An
 * existing role's password changes only when `password` is given. Idempotent, safe to run
 * concurrently, and ALTERs nothing when all is in order (so an owner without superuser can run it).
 */
export async function ensureAppRole(url: string, password?: string, workerPassword?: string): Promise<AppRoleOutcome> {
  return withMaintenanceClient(url, async (client) => {
    const { rows } = await client.query<{ user: string }>('SELECT current_user AS user');
    if (rows[0]?.user === APP_ROLE || rows[0]?.user === WORKER_ROLE)
      throw new Error(`Migrations must run as the schema owner, not as ${APP_ROLE}`);
    return withTransaction(client, async (held) => {
      await held.query('SELECT pg_advisory_xact_lock($1)', [ROLE_LOCK_KEY]);
      const outcome = await createOrAlter(held, APP_ROLE, password, DEV_APP_PASSWORD);
      await createOrAlter(held, WORKER_ROLE, workerPassword, DEV_WORKER_PASSWORD);
      return outcome;
    });
  });
}

async function createOrAlter(
  client: pg.Client,
  name: string,
  password: string | undefined,
  devPassword: string,
): Promise<AppRoleOutcome> {
  const existing = await client.query<{ ok: boolean }>(
    `SELECT ${HAS_ATTRIBUTES} AS ok FROM pg_roles WHERE rolname = $1`,
    [name],
  );
  const role = pg.escapeIdentifier(name);
  if (existing.rowCount === 0) {
    await client.query(`CREATE ROLE ${role} WITH ${ATTRIBUTES} PASSWORD ${pg.escapeLiteral(password ?? devPassword)}`);
    return 'created';
  }
  if (existing.rows[0]?.ok && password === undefined) return 'unchanged';
  const passwordClause = password === undefined ? '' : ` PASSWORD ${pg.escapeLiteral(password)}`;
  await client.query(`ALTER ROLE ${role} WITH ${ATTRIBUTES}${passwordClause}`);
  return 'updated';
}
