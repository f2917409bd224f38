export { completionBody, completionChunks, eventStream, pieces, type CompletionIdentity } from './completion-body.ts';
export { startLocalLlmServer, type LocalLlmServer, type LocalLlmServerOptions } from './local-llm-server.ts';
export {
  defaultResponder,
  estimateTokens,
  scriptedReplies,
  type ChatCompletionRequest,
  type Reply,
  type ReplyError,
  type Responder,
} from './reply.ts';
