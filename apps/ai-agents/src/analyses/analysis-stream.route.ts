import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import type { FeatureModule } from '../context.ts';
import { readJournal, type JournalStep } from '../runs/journal.ts';
import type { AnalysisHub, AnalysisUpdate } from './analysis-hub.ts';
import { TERMINAL_STATUSES } from './analysis-record.ts';
import { getAnalysis } from './analyses.query.ts';

const MAX_QUEUED_BYTES = 1_048_576;
const idParams = z.strictObject({ id: z.uuid() });
const streamHeaders = z.object({
  'last-event-id': z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('The seq of the last step received: the stream starts after it.'),
});
const eventStream = {
  description:
    'text/event-stream: `id: <seq>` / `event: step` / `data: <step>` per recorded step (the ones already recorded first), `event: token` / `data: {agent, delta}` as the LLM writes, `event: status` / `data: {status}`; it ends after a final status.',
  content: { 'text/event-stream': { schema: z.string() } },
};

const stepFrame = (step: JournalStep) => `id: ${step.seq}\nevent: step\ndata: ${JSON.stringify(step)}\n\n`;

/** GET /analyses/:id/stream: server-sent events of an analysis's steps and tokens as they happen. */
export function analysisStreamFeature(hub: AnalysisHub): FeatureModule {
  return (app, ctx) => {
    const streams = new Set<PassThrough>();
    app.addHook('preClose', async () => {
      for (const stream of streams) stream.end();
    });
    app.get(
      '/api/v1/agents/analyses/:id/stream',
      {
        onRequest: requirePermission('agents:read'),
        schema: {
          operationId: 'streamAnalysis',
          tags: ['analyses'],
          summary: "Server-sent events: the analysis's steps and LLM tokens as they happen, until it ends",
          params: idParams,
          headers: streamHeaders,
          response: { 200: eventStream },
        },
      },
      async (request, reply) => {
        const { tenantId } = requirePrincipal(request);
        const analysis = await withTransaction(ctx.pool, (client) => getAnalysis(client, request.params.id), {
          tenantId,
        });
        const stream = new PassThrough();
        let lastSeq = Number(request.headers['last-event-id'] ?? 0);
        let waiting: AnalysisUpdate[] | null = [];
        const write = (text: string) => {
          if (stream.destroyed) return;
          if (stream.writableLength > MAX_QUEUED_BYTES) stream.destroy();
          else stream.write(text);
        };
        const deliver = (update: AnalysisUpdate) => {
          if (update.type === 'step') {
            if (update.step.seq <= lastSeq) return;
            lastSeq = update.step.seq;
            write(stepFrame(update.step));
          } else
            write(
              `event: ${update.type}\ndata: ${JSON.stringify(update.type === 'token' ? { agent: update.agent, delta: update.delta } : { status: update.status })}\n\n`,
            );
          if (update.type === 'status' && TERMINAL_STATUSES.includes(update.status)) stream.end();
        };
        // Subscribed before the recorded steps are read: nothing recorded in between is lost.
        const stop = await hub.listen(tenantId, analysis.id, (text) => {
          const update = JSON.parse(text) as AnalysisUpdate;
          if (waiting) waiting.push(update);
          else deliver(update);
        });
        const heartbeat = setInterval(() => write(': heartbeat\n\n'), 15_000);
        stream.once('close', () => {
          clearInterval(heartbeat);
          stop();
          streams.delete(stream);
        });
        streams.add(stream);
        reply.raw.once('close', () => stream.destroy());
        write('retry: 3000\n\n');
        const { steps, current } = await withTransaction(
          ctx.pool,
          async (client) => ({
            steps: await readJournal(client, analysis.id, lastSeq),
            current: await getAnalysis(client, analysis.id),
          }),
          { tenantId },
        );
        for (const step of steps) deliver({ type: 'step', step });
        for (const update of waiting) deliver(update);
        waiting = null;
        deliver({ type: 'status', status: current.status });
        const streaming: FastifyReply = reply;
        return streaming
          .header('content-type', 'text/event-stream; charset=utf-8')
          .header('cache-control', 'no-cache, no-transform')
          .header('x-accel-buffering', 'no')
          .send(stream);
      },
    );
  };
}
