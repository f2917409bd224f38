// Prints the resident memory of the running BizOSaaS services (processes running
// apps/<name>/dist/main.js, found through /proc) and of the nx/npm processes wrapping them.
// Run while the platform is up and idle: node tools/bench/footprint.mjs
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';

function rssKb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return line ? Number(line.split(/\s+/)[1]) : 0;
}

const services = [];
let wrappers = { count: 0, kb: 0 };
for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const script = argv.find((a) => a.endsWith('dist/main.js'));
    if (argv[0] && basename(argv[0]) === 'node' && script) {
      const path = script.startsWith('/') ? script : `${readlinkSync(`/proc/${pid}/cwd`)}/${script}`;
      const app = path.match(/apps\/([^/]+)\/dist\/main\.js$/)?.[1];
      if (app) services.push({ app, pid, kb: rssKb(pid) });
    } else if (argv.some((a) => /nx(\/dist\/bin\/run-executor\.js|$)|run-many/.test(a)) || argv.join(' ').includes('npm run serve')) {
      wrappers = { count: wrappers.count + 1, kb: wrappers.kb + rssKb(pid) };
    }
  } catch {
    // the process ended while we looked
  }
}
services.sort((a, b) => a.app.localeCompare(b.app));
const mb = (kb) => (kb / 1024).toFixed(1);
for (const s of services) console.log(`${s.app.padEnd(18)} pid ${String(s.pid).padEnd(7)} ${mb(s.kb).padStart(7)} MB`);
const total = services.reduce((sum, s) => sum + s.kb, 0);
console.log(`${'services'.padEnd(18)} ${String(services.length).padEnd(11)} ${mb(total).padStart(7)} MB total RSS`);
console.log(`${'nx/npm wrappers'.padEnd(18)} ${String(wrappers.count).padEnd(11)} ${mb(wrappers.kb).padStart(7)} MB`);
