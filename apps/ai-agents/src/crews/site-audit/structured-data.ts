import type { CheerioAPI } from 'cheerio';

export type StructuredData = {
  /** JSON-LD blocks on the page, and how many of them are not valid JSON. */
  jsonLdBlocks: number;
  invalidJsonLdBlocks: number;
  /** Every schema.org @type named in JSON-LD (nested ones and @graph members too), first seen first. */
  jsonLdTypes: string[];
  /** Microdata itemtype values, as written (e.g. `https://schema.org/LocalBusiness`). */
  microdataTypes: string[];
  /** Contact facts stated in JSON-LD: `telephone`, `email`, an `address`, and `sameAs` profile URLs. */
  telephones: string[];
  emails: string[];
  hasAddress: boolean;
  sameAs: string[];
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** schema.org types that say "this is the business": Organization, LocalBusiness and their common kinds. */
const ORGANIZATION_TYPES = new Set([
  'Organization',
  'Corporation',
  'LocalBusiness',
  'OnlineBusiness',
  'OnlineStore',
  'ProfessionalService',
  'Store',
  'Restaurant',
  'FoodEstablishment',
  'Bakery',
  'CafeOrCoffeeShop',
  'BarOrPub',
  'MedicalBusiness',
  'Dentist',
  'Physician',
  'LegalService',
  'Attorney',
  'HomeAndConstructionBusiness',
  'AutomotiveBusiness',
  'FinancialService',
  'LodgingBusiness',
  'Hotel',
  'HealthAndBeautyBusiness',
  'SportsActivityLocation',
  'EducationalOrganization',
  'NGO',
  'RealEstateAgent',
  'TravelAgency',
]);

/** True when a type (with or without the schema.org prefix) names an organisation or local business. */
export function isOrganizationType(type: string): boolean {
  return ORGANIZATION_TYPES.has(type.replace(/^https?:\/\/schema\.org\//, ''));
}

export function extractStructuredData($: CheerioAPI): StructuredData {
  const found: StructuredData = {
    jsonLdBlocks: 0,
    invalidJsonLdBlocks: 0,
    jsonLdTypes: [],
    microdataTypes: [],
    telephones: [],
    emails: [],
    hasAddress: false,
    sameAs: [],
  };
  $('script[type="application/ld+json"]').each((_, script) => {
    found.jsonLdBlocks += 1;
    try {
      walk(JSON.parse($(script).text()) as Json, found);
    } catch {
      found.invalidJsonLdBlocks += 1;
    }
  });
  $('[itemtype]').each((_, element) => {
    for (const type of ($(element).attr('itemtype') ?? '').split(/\s+/).filter(Boolean))
      addOnce(found.microdataTypes, type);
  });
  if ($('[itemprop="address"]').length > 0) found.hasAddress = true;
  return found;
}

/** Collects types and contact facts from every object in the JSON-LD tree (depth-bounded). */
function walk(node: Json, found: StructuredData, depth = 0): void {
  if (depth > 20 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) walk(item, found, depth + 1);
    return;
  }
  for (const type of strings(node['@type'])) addOnce(found.jsonLdTypes, type);
  for (const phone of strings(node.telephone)) addOnce(found.telephones, phone);
  for (const email of strings(node.email)) addOnce(found.emails, email.replace(/^mailto:/i, ''));
  for (const url of strings(node.sameAs)) addOnce(found.sameAs, url);
  if (node.address !== undefined && node.address !== null && node.address !== '') found.hasAddress = true;
  for (const value of Object.values(node)) walk(value, found, depth + 1);
}

function strings(value: Json | undefined): string[] {
  if (typeof value === 'string') return [value.trim()].filter(Boolean);
  if (Array.isArray(value)) return value.flatMap((item) => strings(item));
  return [];
}

function addOnce(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}
