// The upstream of tools/bench/gateway.ts, run as its own process (node --import tsx):
// a service-kit app that verifies the token (JWKS) like every service, with a trivial route
// and a route that reads one row as the app role inside withTenant (RLS by tenant).
// env: PORT, JWKS_URL, DATABASE_URL (app role), BENCH_SCHEMA, LOG_LEVEL
import pg from 'pg';
import { z } from 'zod';
import { createJwksVerifier, requirePrincipal } from '@bizosaas/auth';
import { withTenant, withTransaction, type RawExecutor, type TransactionalClient } from '@bizosaas/db';
import { createService, startService } from '@bizosaas/service-kit';

const env = z
  .object({
    PORT: z.coerce.number().int(),
    JWKS_URL: z.string().url(),
    DATABASE_URL: z.string(),
    BENCH_SCHEMA: z.string().regex(/^[a-z_]+$/),
    LOG_LEVEL: z.string().default('warn'),
  })
  .parse(process.env);

interface PgTransaction extends RawExecutor {
  query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>>;
}

/** withTenant's client over a pg pool: BEGIN, the tenant setting, the work, COMMIT (as Prisma's $transaction does). */
function pgTransactions(pool: pg.Pool): TransactionalClient<PgTransaction> {
  return {
    $transaction: (work) =>
      withTransaction(pool, (client) => {
        const tx: PgTransaction = {
          $executeRaw: (strings, ...values) =>
            client
              .query(
                strings.reduce((sql, part, i) => `${sql}$${i}${part}`),
                values,
              )
              .then((r) => r.rowCount ?? 0),
          query: (text, values) => client.query(text, values),
        };
        return work(tx);
      }),
  };
}

const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 20 });
const db = pgTransactions(pool);
const app = await createService({
  name: 'bench-upstream',
  logLevel: env.LOG_LEVEL,
  auth: createJwksVerifier({ jwksUrl: env.JWKS_URL }),
});

app.get('/api/v1/leads/bench/trivial', { schema: { response: { 200: z.object({ ok: z.boolean() }) } } }, async () => ({
  ok: true,
}));

app.get(
  '/api/v1/leads/bench/row',
  { schema: { response: { 200: z.object({ tenantId: z.string(), name: z.string() }) } } },
  async (request) => {
    const { tenantId } = requirePrincipal(request);
    const { rows } = await withTenant(db, tenantId, (tx) =>
      tx.query<{ tenant_id: string; name: string }>(
        `SELECT tenant_id, name FROM ${env.BENCH_SCHEMA}.bench_rows WHERE tenant_id = $1`,
        [tenantId],
      ),
    );
    return { tenantId: rows[0]!.tenant_id, name: rows[0]!.name };
  },
);
app.addHook('onClose', async () => pool.end());
await startService(app, { port: env.PORT, host: '127.0.0.1', graceMs: 5_000 });
