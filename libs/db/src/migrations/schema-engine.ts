import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

export type { SchemaEngine };

// tsconfig's lib has no DOM, and @types/node 20 declares WebAssembly only as a namespace of types.
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

let initialised: Promise<void> | undefined;

// The package's own entry imports the .wasm file as an ES module, which Node 20 cannot do;
// instantiating the bytes with the bindings module as imports is what that entry does.
async function instantiate(): Promise<void> {
  const bindingsPath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const bytes = await readFile(bindingsPath.replace(/\.js$/, '.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bindings });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
}

/**
 * Starts the WASM schema engine (the library behind `prisma migrate`) on a driver adapter.
 * `datamodel` is the service's schema.prisma text; log lines go to `onLog` (JSON strings).
 */
export async function startSchemaEngine(
  datamodel: { path: string; content: string },
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  onLog: (line: string) => void = () => {},
): Promise<SchemaEngine> {
  initialised ??= instantiate();
  await initialised;
  return bindings.SchemaEngine.new(
    { datamodels: [[datamodel.path, datamodel.content]] },
    onLog,
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
}

/** The engine's errors end with a Rust span trace; the first lines are the useful part. */
export function engineErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .split(/\n\s+0: /)[0]!
    .replace(/^external connector error\n/, '')
    .trim();
}
