import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');

/**
 * Runs `prisma generate` for each schema file, offline. Generation itself is WASM, but the CLI
 * first checks for the native schema engine (which it would download); any executable that
 * prints a version satisfies that check, so a throwaway one is written unless
 * `schemaEngineBinary` names a real one. Returns each schema's CLI output.
 */
export async function generateClients(
  schemaPaths: string[],
  schemaEngineBinary?: string,
  onGenerated: (schemaPath: string, index: number) => void = () => {},
): Promise<string[]> {
  const scratch = schemaEngineBinary ? undefined : await mkdtemp(join(tmpdir(), 'bizosaas-prisma-'));
  try {
    const binary = schemaEngineBinary ?? (await writeVersionScript(scratch!));
    const env = {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: binary,
      CHECKPOINT_DISABLE: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    };
    const outputs: string[] = [];
    for (const [index, schemaPath] of schemaPaths.entries()) {
      const { stdout, stderr } = await run(process.execPath, [prismaCli, 'generate', '--schema', schemaPath], { env });
      outputs.push(`${stdout}${stderr}`.trim());
      onGenerated(schemaPath, index);
    }
    return outputs;
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

async function writeVersionScript(dir: string): Promise<string> {
  const path = join(dir, 'schema-engine');
  await writeFile(path, '#!/bin/sh\necho "schema-engine-cli offline-stub"\n');
  await chmod(path, 0o755);
  return path;
}
