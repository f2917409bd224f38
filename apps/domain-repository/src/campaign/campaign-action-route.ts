import { z } from 'zod';
import { requirePermission, type Permission } from '@bizosaas/auth';
import type { Command } from '@bizosaas/ddd-kernel';
import type { ServiceApp } from '@bizosaas/service-kit';
import { expectedVersionField, writeHeaders } from '../write-side/request-context.ts';
import { commandErrors } from '../write-side/route-responses.ts';
import type { RoutesContext } from '../write-side/routes-context.ts';
import { campaignStream, type Campaign, type CampaignEvent } from './campaign.ts';
import { bodyOrDefaults } from './campaign-body.ts';
import { campaignView, campaignViewSchema } from './campaign-view.ts';

/** A command on an existing campaign, posted to /api/v1/campaigns/{campaignId}/{action}. */
export interface CampaignAction<T extends string, I extends z.ZodObject> {
  readonly action: string;
  readonly operationId: string;
  readonly summary: string;
  readonly permission: Permission;
  readonly type: T;
  /** The body without expectedVersion; an absent body is its defaults. */
  readonly input: I;
  readonly decide: (command: Command<T, ActionData<I>>, state: Campaign) => CampaignEvent[];
}

/** The body as decide reads it: without expectedVersion (the write path's), with the path's campaignId. */
type ActionData<I extends z.ZodObject> = z.output<I> & { readonly campaignId: string };

const params = z.strictObject({ campaignId: z.uuid() });

/**
 * The route plugin of a campaign action slice. The seven actions differ only in what this
 * takes, so each slice states that and the shape is written once.
 */
export function campaignActionRoute<T extends string, I extends z.ZodObject>(spec: CampaignAction<T, I>) {
  const body = spec.input.extend(expectedVersionField);
  return (app: ServiceApp, ctx: RoutesContext): void => {
    app.post(
      `/api/v1/campaigns/:campaignId/${spec.action}`,
      {
        onRequest: requirePermission(spec.permission),
        schema: {
          operationId: spec.operationId,
          tags: ['campaigns'],
          summary: spec.summary,
          params,
          headers: writeHeaders,
          body: body.nullish(),
          response: { 200: campaignViewSchema, ...commandErrors },
        },
      },
      async (request) => {
        const { expectedVersion, ...input } = bodyOrDefaults(body, request.body);
        const { campaignId } = request.params;
        // The body is input plus expectedVersion, so the rest is input's output; TypeScript cannot
        // see through Omit of a generic object type.
        const data = { ...input, campaignId } as ActionData<I>;
        return ctx.handle(request, {
          // The schema made it an optional integer; a generic body's field reads as unknown.
          aggregate: campaignStream,
          aggregateId: campaignId,
          expectedVersion: typeof expectedVersion === 'number' ? expectedVersion : undefined,
          command: { type: spec.type, data },
          decide: spec.decide,
          view: campaignView,
        });
      },
    );
  };
}
