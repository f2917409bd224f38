// A stand-in for domain-repository's CRM ingestion (POST /api/v1/crm-events/hubspot) that records
// every page a sync forwards and answers as domain-repository does: 202 with one event per record,
// `duplicate` when the same version of the record arrived before from the same sync (its id,
// properties, updatedAt and archived flag, as domain-repository derives its notification ids).
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

interface ForwardedRecord {
  id: string;
  properties: Record<string, string | null>;
  updatedAt: string;
  archived: boolean;
}

export interface CrmReceiver {
  url: string;
  /** Each page as it arrived: the sync's source marker and its records. */
  pages: {
    syncId: string;
    page: number;
    ids: string[];
    records: ForwardedRecord[];
    authorization: string | undefined;
  }[];
  /** Copies of a version of a record of the sync that arrived after its first. */
  duplicates(syncId: string): number;
  /** After the next `okPages` pages, `failures` pages are stored and then answered `status` (a crash after delivery). */
  failAfter(okPages: number, failures: number, status?: number): void;
  /** Pages after the next `count` are stored and never answered until `release()`. */
  holdAfter(count: number): Promise<void>;
  release(): void;
  close(): Promise<void>;
}

const versionOf = (syncId: string, r: ForwardedRecord) =>
  JSON.stringify([syncId, r.id, r.properties, r.updatedAt, r.archived]);

async function bodyOf(
  req: IncomingMessage,
): Promise<{ source: { syncId: string; page: number }; results: ForwardedRecord[] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString());
}

export async function startCrmReceiver(): Promise<CrmReceiver> {
  const pages: CrmReceiver['pages'] = [];
  const arrivals = new Map<string, { syncId: string; count: number }>();
  let failing = { skip: 0, count: 0, status: 503 };
  let hold: { after: number; reached: () => void; released: Promise<void>; release: () => void } | null = null;
  const server = createServer((req, res) => {
    void bodyOf(req).then(async (body) => {
      const { syncId } = body.source;
      pages.push({
        syncId,
        page: body.source.page,
        ids: body.results.map((r) => r.id),
        records: body.results,
        authorization: req.headers.authorization,
      });
      const events = body.results.map((record) => {
        const seen = arrivals.get(versionOf(syncId, record))?.count ?? 0;
        arrivals.set(versionOf(syncId, record), { syncId, count: seen + 1 });
        return { id: crypto.randomUUID(), duplicate: seen > 0 };
      });
      if (hold && pages.length > hold.after) {
        hold.reached();
        await hold.released;
      }
      if (failing.skip > 0) failing = { ...failing, skip: failing.skip - 1 };
      else if (failing.count > 0) {
        failing = { ...failing, count: failing.count - 1 };
        res.writeHead(failing.status, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: 'SERVICE_UNAVAILABLE', message: 'stored, then failed', details: {} }));
      }
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ events }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pages,
    duplicates: (syncId) =>
      [...arrivals.values()].filter((a) => a.syncId === syncId).reduce((sum, a) => sum + a.count - 1, 0),
    failAfter(okPages, failures, status = 503) {
      failing = { skip: okPages, count: failures, status };
    },
    holdAfter(count) {
      let reached!: () => void;
      let release!: () => void;
      const isReached = new Promise<void>((resolve) => (reached = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      hold = { after: pages.length + count, reached, released, release };
      return isReached;
    },
    release() {
      hold?.release();
      hold = null;
    },
    close: async () => {
      hold?.release();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
