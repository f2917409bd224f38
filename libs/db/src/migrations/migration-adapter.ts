import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { CharAsTextClient } from './char-as-text-client.ts';
import { withDatabase } from './database-url.ts';
import { withMaintenanceClient } from './maintenance-client.ts';

export interface MigrationAdapterOptions {
  /** Database the engine works on. */
  url: string;
  /** Every connection's search_path: unqualified SQL and `_prisma_migrations` land here. */
  searchPath: string;
  /**
   * The engine's default schema (it creates it when missing). Leave unset for diffs, so that
   * generated SQL names the schema of every table ("campaign"."lead").
   */
  defaultSchema?: string;
}

/** A driver adapter factory for the schema engine that can be closed (pools ended). */
export interface MigrationAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  close(): Promise<void>;
}

/**
 * Driver adapter for the WASM schema engine on top of @prisma/adapter-pg, with three fixes:
 * - scripts run as one simple-protocol query (adapter-pg splits on every `;`, which breaks
 *   dollar-quoted bodies and string literals, and runs the pieces outside one transaction;
 *   the native engine sends the whole script at once, as here);
 * - `"char"` catalog columns are reported as text (see CharAsTextClient);
 * - shadow databases are real scratch databases on the same server, dropped on dispose
 *   (adapter-pg's own shadow connection reuses the main database when given a URL).
 */
export function migrationAdapterFactory(options: MigrationAdapterOptions): MigrationAdapterFactory {
  // Goes into a startup parameter: only plain lower-case identifiers.
  if (!/^[a-z_][a-z0-9_]*$/.test(options.searchPath)) throw new Error(`Bad schema name: ${options.searchPath}`);
  const open = new Set<SqlDriverAdapter>();

  async function connectTo(url: string, onDispose?: () => Promise<void>): Promise<SqlDriverAdapter> {
    const pgConfig = {
      connectionString: url,
      max: 2,
      options: `-c search_path=${options.searchPath}`,
      Client: CharAsTextClient,
    };
    const adapter = await new PrismaPg(pgConfig, { schema: options.defaultSchema }).connect();
    const dispose = adapter.dispose.bind(adapter);
    let disposed: Promise<void> | undefined;
    open.add(adapter);
    return Object.assign(adapter, {
      executeScript: async (script: string) => {
        await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
      },
      dispose: () => {
        open.delete(adapter);
        disposed ??= dispose().then(onDispose);
        return disposed;
      },
    });
  }

  async function connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
    await runOnMaintenance(options.url, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    return connectTo(withDatabase(options.url, name), () =>
      runOnMaintenance(options.url, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
    );
  }

  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connectTo(options.url),
    connectToShadowDb,
    close: async () => {
      await Promise.all([...open].map((adapter) => adapter.dispose()));
    },
  };
}

async function runOnMaintenance(url: string, sql: string): Promise<void> {
  await withMaintenanceClient(url, (client) => client.query(sql));
}
