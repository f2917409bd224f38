import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

describe('startService', () => {
  it('on SIGTERM finishes in-flight requests, runs onClose hooks, then afterClose, and exits 0', async () => {
    const port = await freePort();
    const fixture = fileURLToPath(new URL('./test-fixtures/slow-service.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => out.includes('listening') && resolve());
      child.on('exit', (code) => reject(new Error(`fixture exited early with ${code}`)));
    });

    const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    expect(code).toBe(0);
    // The shared connections close only after every onClose hook has run.
    expect(out).toMatch(/drained\n[^]*connections closed\n/);
  });
});
