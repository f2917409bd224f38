import type { z } from 'zod';
import type { analysisRequestedSubject, catalogueAnalysisType } from './catalogue-types.ts';
import type { AnalysisKind, JsonObject } from '../crews/crew.ts';

type CatalogueType = z.output<typeof catalogueAnalysisType>;
type CatalogueSubject = z.output<typeof analysisRequestedSubject>;

/** The catalogue's name of each API analysis type (events speak the catalogue's words). */
const CATALOGUE_TYPE: Record<AnalysisKind, CatalogueType> = {
  lead_scoring: 'lead_scoring',
  campaign_optimization: 'campaign_optimization',
  seo_audit: 'seo_analysis',
  presence_audit: 'digital_presence_audit',
  content_generation: 'content_generation',
};

export const ANALYSIS_KINDS = Object.keys(CATALOGUE_TYPE) as AnalysisKind[];

export const catalogueTypeOf = (kind: AnalysisKind): CatalogueType => CATALOGUE_TYPE[kind];

export function kindOfCatalogueType(type: CatalogueType): AnalysisKind | undefined {
  return ANALYSIS_KINDS.find((kind) => CATALOGUE_TYPE[kind] === type);
}

/** The event's subject of an API subject (which the crew's schema has already checked). */
export function catalogueSubjectOf(kind: AnalysisKind, subject: JsonObject): CatalogueSubject {
  switch (kind) {
    case 'lead_scoring':
      return { type: 'lead', id: subject.leadId as string };
    case 'campaign_optimization':
      return { type: 'campaign', id: subject.campaignId as string };
    case 'seo_audit':
    case 'presence_audit':
      return { type: 'website', url: subject.url as string };
    case 'content_generation':
      return { type: 'brief', brief: subject.brief as string };
  }
}

/** The API subject of an event's subject, or undefined when the type does not take it. */
export function subjectOfCatalogue(kind: AnalysisKind, subject: CatalogueSubject): JsonObject | undefined {
  if (kind === 'lead_scoring' && subject.type === 'lead') return { leadId: subject.id };
  if (kind === 'campaign_optimization' && subject.type === 'campaign') return { campaignId: subject.id };
  if ((kind === 'seo_audit' || kind === 'presence_audit') && subject.type === 'website') return { url: subject.url };
  if (kind === 'content_generation' && subject.type === 'brief') return { brief: subject.brief };
  return undefined;
}
