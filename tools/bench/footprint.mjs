// Prints the resident memory of the running BizOSaaS services (processes running
// apps/<name>/dist/main.js, found through /proc), the Node binary each one runs, and the
// processes wrapping them: every nx/npm/npx/sh ancestor of a service and everything else those
// ancestors started (nx's executors, the shells of `npm run`), so the launcher's cost is counted
// whatever the layering. Run while the platform is up and idle: node tools/bench/footprint.mjs
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const WRAPPER = /(^|\/)(nx|npm|npx|npm-cli\.js|npx-cli\.js|run-executor\.js|sh|bash)$|^npm /;

function processTable() {
  const table = new Map();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const field = (name) => status.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm'))?.[1];
      table.set(Number(pid), { pid: Number(pid), ppid: Number(field('PPid')), argv, kb: Number(field('VmRSS') ?? 0) });
    } catch {
      // the process ended while we looked
    }
  }
  return table;
}

function serviceOf(proc) {
  const script = proc.argv.find((a) => a.endsWith('dist/main.js'));
  if (!script || !/(^|\/)node$/.test(proc.argv[0] ?? '')) return undefined;
  try {
    const path = script.startsWith('/') ? script : `${readlinkSync(`/proc/${proc.pid}/cwd`)}/${script}`;
    return path.match(/apps\/([^/]+)\/dist\/main\.js$/)?.[1];
  } catch {
    return undefined;
  }
}

// A wrapper is named by its executable or, for node-run CLIs, by the script node runs; start-dev.sh
// itself is the developer's shell script, not a layer of the launcher.
function isWrapper(proc) {
  if (proc.argv.some((a) => a.endsWith('start-dev.sh'))) return false;
  return proc.argv.slice(0, 2).some((a) => WRAPPER.test(a)) || proc.argv.join(' ').startsWith('npm ');
}

function nodeVersion(pid) {
  try {
    return execFileSync(readlinkSync(`/proc/${pid}/exe`), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

const table = processTable();
const services = [...table.values()].flatMap((p) => {
  const app = serviceOf(p);
  return app ? [{ app, pid: p.pid, kb: p.kb, node: nodeVersion(p.pid) }] : [];
});
const servicePids = new Set(services.map((s) => s.pid));

const tops = new Set();
for (const s of services) {
  let top;
  for (let p = table.get(table.get(s.pid).ppid); p && isWrapper(p); p = table.get(p.ppid)) top = p.pid;
  if (top) tops.add(top);
}
const children = new Map();
for (const p of table.values()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
const wrappers = [];
const visit = (pid) => {
  if (servicePids.has(pid)) return;
  wrappers.push(table.get(pid));
  for (const child of children.get(pid) ?? []) visit(child);
};
for (const top of tops) visit(top);

services.sort((a, b) => a.app.localeCompare(b.app));
const mb = (kb) => (kb / 1024).toFixed(1);
for (const s of services)
  console.log(`${s.app.padEnd(18)} pid ${String(s.pid).padEnd(7)} ${mb(s.kb).padStart(7)} MB  ${s.node}`);
const sum = (list) => list.reduce((total, p) => total + p.kb, 0);
console.log(
  `${'services'.padEnd(18)} ${String(services.length).padEnd(11)} ${mb(sum(services)).padStart(7)} MB total RSS`,
);
console.log(
  `${'wrappers'.padEnd(18)} ${String(wrappers.length).padEnd(11)} ${mb(sum(wrappers)).padStart(7)} MB (nx/npm/sh processes around the services)`,
);
if (process.argv.includes('--verbose')) {
  for (const w of wrappers)
    console.log(`  ${String(w.pid).padEnd(7)} ${mb(w.kb).padStart(7)} MB  ${w.argv.join(' ').slice(0, 100)}`);
}
