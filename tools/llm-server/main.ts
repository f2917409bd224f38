// A local OpenAI-compatible Chat Completions server for development and benchmarks (no real LLM
// reachable): the default deterministic answers, at once. Give a tenant's agent settings its URL
// (development allows 127.0.0.0/8 through OUTBOUND_ALLOWED_CIDRS).
// env: LLM_SERVER_PORT (default 8090), LLM_SERVER_HOST (default 127.0.0.1), LLM_SERVER_API_KEY (optional)
// run: node --import tsx tools/llm-server/main.ts
import { z } from 'zod';
import { startLocalLlmServer } from '@bizosaas/local-llm-server';

const env = z
  .object({
    LLM_SERVER_PORT: z.coerce.number().int().min(0).max(65_535).default(8090),
    LLM_SERVER_HOST: z.string().min(1).default('127.0.0.1'),
    LLM_SERVER_API_KEY: z.string().min(1).optional(),
  })
  .parse(process.env);

const server = await startLocalLlmServer({
  port: env.LLM_SERVER_PORT,
  host: env.LLM_SERVER_HOST,
  ...(env.LLM_SERVER_API_KEY && { apiKey: env.LLM_SERVER_API_KEY }),
});
console.log(`local LLM server: ${server.url}${env.LLM_SERVER_API_KEY ? ' (bearer key required)' : ''}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
