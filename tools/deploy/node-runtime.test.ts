import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// One Node major everywhere: the `node` dev dependency (what npm scripts, start-dev.sh and CI
// run), `engines`, the image's base and esbuild's target name the same one.
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${repoRoot}${path}`, 'utf8');
const rootPackage = JSON.parse(read('package.json')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

function major(text: string | undefined, pattern: RegExp): number {
  const found = text?.match(pattern)?.[1];
  if (!found) throw new Error(`no Node major in ${String(text)} (${pattern.source})`);
  return Number(found);
}

const pinned = major(rootPackage.devDependencies['node'], /^(\d+)\./);

describe('Node runtime', () => {
  it('is Node 24 or later, pinned as the node dev dependency', () => {
    expect(pinned).toBeGreaterThanOrEqual(24);
  });

  it('runs this test suite, and so every process the tests spawn with process.execPath', () => {
    expect(major(process.version, /^v(\d+)\./)).toBe(pinned);
  });

  it('is what engines asks for', () => {
    expect(rootPackage.engines.node).toBe(`>=${pinned}`);
  });

  it('is the base of every stage of the image', () => {
    expect(major(read('Dockerfile'), /^ARG NODE_IMAGE=node:(\d+)-[a-z]+-slim$/m)).toBe(pinned);
    expect(read('Dockerfile')).not.toMatch(/^FROM node:/m);
  });

  it('is the target esbuild bundles the apps for', () => {
    expect(major(read('tools/build.mjs'), /target: 'node(\d+)'/)).toBe(pinned);
  });
});
