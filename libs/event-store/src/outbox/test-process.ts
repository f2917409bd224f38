import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './test-support.ts';

/** A fixture script running as a real child process (test helper, not exported). */
export interface TestProcess {
  child: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  waitForLine(match: (line: string) => boolean, what: string): Promise<string>;
  /** Sends the signal and resolves when the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs `node --import tsx <script>` (path relative to the repo root) with extra env. */
export function startProcess(script: string, env: Record<string, string>): TestProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return {
    child,
    lines,
    async waitForLine(match, what) {
      await waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before ${what}: ${stderr}`);
          return lines.some(match);
        },
        what,
        30_000,
      );
      return lines.find(match)!;
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
