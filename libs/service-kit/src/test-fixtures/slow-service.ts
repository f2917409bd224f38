// A real process for the graceful-shutdown test: one slow route, an onClose hook and afterClose that report.
import { setTimeout as sleep } from 'node:timers/promises';
import { createService } from '../create-service.ts';
import { startService } from '../start-service.ts';

const app = await createService({ name: 'slow-service', logLevel: 'silent' });
app.get('/slow', async () => {
  await sleep(400);
  return { done: true };
});
app.addHook('onClose', async () => {
  process.stdout.write('drained\n');
});
await startService(app, {
  port: Number(process.env.PORT),
  host: '127.0.0.1',
  graceMs: 5_000,
  afterClose: async () => void process.stdout.write('connections closed\n'),
});
process.stdout.write('listening\n');
