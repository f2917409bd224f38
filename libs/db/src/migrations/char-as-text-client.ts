import pg from 'pg';

const CHAR_OID = 18;
const TEXT_OID = 25;

function reportCharAsText<T>(result: T): T {
  for (const one of Array.isArray(result) ? result : [result]) {
    for (const field of (one as pg.QueryResult | undefined)?.fields ?? []) {
      if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- taken unbound on purpose, called with apply(this)
const baseQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;

type QueryCallback = (error: unknown, result: unknown) => void;
const isQueryCallback = (value: unknown): value is QueryCallback => typeof value === 'function';

/**
 * A pg client that reports PostgreSQL's one-byte `"char"` columns (oid 18) as text.
 * The schema engine's catalog queries (pg_class.relkind, pg_constraint.contype, ...) return
 * them and @prisma/adapter-pg 7.10 has no mapping for that type, so introspection fails.
 * Values of oid 18 are parsed as plain strings either way; only the reported type changes.
 */
export class CharAsTextClient extends pg.Client {
  // pg.Pool calls query with a callback; the adapter's transactions use the promise form.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one override of all of pg's query overloads, which answer a promise or nothing by their arguments
  override query(...args: unknown[]): any {
    const last = args.length - 1;
    const callback = args[last];
    if (isQueryCallback(callback)) {
      args[last] = (error: unknown, result: unknown) => callback(error, error ? result : reportCharAsText(result));
      return baseQuery.apply(this, args);
    }
    const result = baseQuery.apply(this, args);
    return result instanceof Promise ? result.then(reportCharAsText) : result;
  }
}
