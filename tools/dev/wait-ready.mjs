// Polls every service's /ready until all answer 200 (or the deadline passes), then prints the
// table of service, URL and /docs URL (and the mail catcher's and local LLM's when start-dev.sh started them), and the seconds since START_EPOCH_MS (set by start-dev.sh).
const services = [
  ['api-gateway', 8080],
  ['ai-agents', 8000],
  ['user-management', 8001],
  ['campaign', 8002],
  ['analytics', 8003],
  ['integration', 8004],
  ['notification', 8005],
  ['event-bus', 8009],
  ['domain-repository', 8011],
];
const deadline = Date.now() + Number(process.env.READY_TIMEOUT_MS ?? 120_000);
const started = Number(process.env.START_EPOCH_MS ?? Date.now());

async function ready(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(1_000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

let pending = services;
while (pending.length > 0 && Date.now() < deadline) {
  const states = await Promise.all(pending.map(([, port]) => ready(port)));
  pending = pending.filter((_, i) => !states[i]);
  if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 250));
}
if (pending.length > 0) {
  console.error(`Not ready in time: ${pending.map(([name]) => name).join(', ')}`);
  process.exit(1);
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
const rows = services.map(([name, port]) => [name, `http://localhost:${port}`, `http://localhost:${port}/docs`]);
// Development sinks start-dev.sh started beside the services.
if (process.env.MAIL_CATCHER_URL)
  rows.push(['mail catcher', process.env.MAIL_CATCHER_URL, `${process.env.MAIL_CATCHER_URL}/api/email (REST)`]);
if (process.env.LOCAL_LLM_URL)
  rows.push([
    'local LLM (OpenAI API)',
    process.env.LOCAL_LLM_URL,
    'PUT /api/v1/agents/settings {"llm":{"baseUrl":...}}',
  ]);
const width = (i) => Math.max(...rows.map((r) => r[i].length), 7);
const line = (r) => r.map((cell, i) => cell.padEnd(width(i))).join('  ');
console.log(`\nAll nine services ready in ${seconds} s\n`);
console.log(line(['service', 'url', 'docs']));
for (const row of rows) console.log(line(row));
console.log('\nPress Ctrl-C to stop everything start-dev.sh started.');
