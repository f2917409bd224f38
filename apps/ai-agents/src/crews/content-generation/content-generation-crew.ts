import { z } from 'zod';
import type { OutboundHttp } from '@bizosaas/outbound-http';
import { parseAnswer, runAgent } from '../agent-loop.ts';
import type { Crew } from '../crew.ts';
import { readReference } from './read-reference.ts';

const subject = z.strictObject({ brief: z.string().min(1).max(4000) });
const options = z.strictObject({
  contentType: z.enum(['blog_post', 'email', 'social_post', 'landing_page']).default('blog_post'),
  tone: z.string().max(200).default('clear and friendly'),
  keywords: z.array(z.string().min(1).max(100)).max(20).default([]),
  /** Pages the strategist may read (through the outbound guard). */
  references: z
    .array(z.url({ protocol: /^https?$/ }))
    .max(5)
    .default([]),
  maxSections: z.int().min(1).max(10).default(4),
});

const outline = z.object({
  title: z.string().min(1).max(200),
  sections: z
    .array(z.object({ heading: z.string().min(1).max(200), points: z.array(z.string().max(500)).max(10) }))
    .min(1),
});
const edited = z.object({
  title: z.string().min(1).max(200),
  metaDescription: z.string().max(320),
  body: z.string().min(1),
});

const jsonFormat = (name: string, schema: z.ZodType) => ({
  name,
  schema: z.toJSONSchema(schema) as Record<string, unknown>,
});

/**
 * Content from a brief: a strategist outlines it (reading the reference pages it chooses to), a
 * writer drafts each section, an editor assembles and polishes. It needs an LLM.
 */
export function createContentGenerationCrew(deps: { outbound: OutboundHttp }): Crew<typeof subject, typeof options> {
  return {
    kind: 'content_generation',
    name: 'content-generation-crew',
    version: '1',
    agents: ['content-strategist', 'content-writer', 'content-editor'],
    subject,
    options,
    requiresLlm: true,
    async run(ctx, { brief }, opts) {
      const references = opts.references;
      const plan = parseAnswer(
        await runAgent(ctx, {
          agent: 'content-strategist',
          system: `You plan ${opts.contentType.replace('_', ' ')}s for a marketing team. Answer with an outline of at most ${opts.maxSections} sections.`,
          user: `Brief: ${brief}\nTone: ${opts.tone}\nKeywords: ${opts.keywords.join(', ') || 'none'}\nReference pages you may read: ${references.join(', ') || 'none'}`,
          tools: references.length
            ? [
                {
                  name: 'read_reference',
                  description: 'Read one of the reference pages (title and text)',
                  args: z.strictObject({ url: z.enum(references as [string, ...string[]]) }),
                  run: (args, signal) => readReference(deps.outbound, args.url as string, signal),
                },
              ]
            : [],
          responseFormat: jsonFormat('outline', outline),
        }),
        outline,
        'content-strategist',
      );
      const sections: string[] = [];
      for (const section of plan.sections.slice(0, opts.maxSections)) {
        const draft = await runAgent(ctx, {
          agent: 'content-writer',
          system: `You write one section of a ${opts.contentType.replace('_', ' ')} in a ${opts.tone} tone. Answer with the section's text only.`,
          user: `Title: ${plan.title}\nSection: ${section.heading}\nPoints: ${section.points.join('; ')}\nKeywords: ${opts.keywords.join(', ')}`,
        });
        sections.push(`## ${section.heading}\n\n${draft.content ?? ''}`);
      }
      const final = parseAnswer(
        await runAgent(ctx, {
          agent: 'content-editor',
          system: 'You edit marketing copy: fix flow and repetition, keep the facts, write a meta description.',
          user: `Title: ${plan.title}\n\n${sections.join('\n\n')}`,
          responseFormat: jsonFormat('edited', edited),
        }),
        edited,
        'content-editor',
      );
      return {
        summary: `${final.title} (${opts.contentType.replace('_', ' ')}, ${plan.sections.length} sections)`,
        confidence: 70,
        results: { ...final, contentType: opts.contentType, outline: plan },
      };
    },
  };
}
