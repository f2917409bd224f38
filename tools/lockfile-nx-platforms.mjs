// The npm registry reachable from these machines lacks nx's non-Linux platform packages, so
// `npm install` leaves them out of package-lock.json and `npm ci` then refuses the lock
// ("Missing: @nx/nx-darwin-arm64@ from lock file"). This re-adds them as optional, platform-
// restricted entries, which npm ci skips on Linux exactly as a lock made elsewhere would.
// Run after any `npm install`: node tools/lockfile-nx-platforms.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const nx = lock.packages['node_modules/nx'];
const platforms = {
  'darwin-arm64': ['darwin', 'arm64'],
  'darwin-x64': ['darwin', 'x64'],
  'freebsd-x64': ['freebsd', 'x64'],
  'linux-arm-gnueabihf': ['linux', 'arm', 'glibc'],
  'linux-arm64-gnu': ['linux', 'arm64', 'glibc'],
  'linux-arm64-musl': ['linux', 'arm64', 'musl'],
  'linux-x64-gnu': ['linux', 'x64', 'glibc'],
  'linux-x64-musl': ['linux', 'x64', 'musl'],
  'win32-arm64-msvc': ['win32', 'arm64'],
  'win32-x64-msvc': ['win32', 'x64'],
};
let added = 0;
for (const [suffix, [os, cpu, libc]] of Object.entries(platforms)) {
  const key = `node_modules/@nx/nx-${suffix}`;
  if (lock.packages[key]) continue;
  lock.packages[key] = {
    version: nx.version,
    cpu: [cpu],
    dev: true,
    license: 'MIT',
    optional: true,
    os: [os],
    ...(libc && { libc: [libc] }),
  };
  added += 1;
}
const [rootEntry, ...rest] = Object.entries(lock.packages);
lock.packages = Object.fromEntries([rootEntry, ...rest.sort(([a], [b]) => a.localeCompare(b))]);
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: added ${added} nx platform entr${added === 1 ? 'y' : 'ies'}`);
