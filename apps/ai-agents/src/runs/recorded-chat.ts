import { z } from 'zod';
import type { ChatResponse } from '../llm/chat.ts';

const recordedChat = z.object({
  content: z.string().nullable(),
  toolCalls: z.array(z.object({ id: z.string(), name: z.string(), arguments: z.string() })),
  finishReason: z.string(),
  model: z.string(),
  usage: z.object({ promptTokens: z.int().min(0), completionTokens: z.int().min(0) }),
});

/** A recorded LLM answer, checked on its way back to a crew (a journal row written by an older shape fails loudly). */
export const recordedChatResponse = (output: unknown): ChatResponse => recordedChat.parse(output);
