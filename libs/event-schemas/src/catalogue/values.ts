import { z } from 'zod';
import { sensitive } from '../sensitive.ts';

/**
 * Money as a non-negative decimal string with up to 4 fraction digits ("5000.00"); computed
 * with decimal.js, never as a float. The currency travels beside it.
 */
export const moneyAmount = z
  .string()
  .regex(/^(?:0|[1-9]\d{0,14})(?:\.\d{1,4})?$/, 'must be a decimal string such as "5000.00"');

/** ISO 4217 code. */
export const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"');

export const personalEmail = sensitive(z.email());
export const personName = sensitive(z.string().trim().min(1).max(100));
export const phoneNumber = sensitive(z.string().regex(/^\+?[0-9 ().-]{6,20}$/, 'must be a phone number'));

/** A 0-100 score (lead scores, AI confidence). */
export const percentScore = z.number().min(0).max(100);

export const plan = z.enum(['free', 'starter', 'professional', 'enterprise']);

export const channel = z.enum([
  'email',
  'sms',
  'google_ads',
  'meta_ads',
  'linkedin_ads',
  'organic_social',
  'seo',
  'content',
]);

export const analysisType = z.enum([
  'lead_scoring',
  'campaign_optimization',
  'content_analysis',
  'content_generation',
  'seo_analysis',
  'digital_presence_audit',
]);

export const priority = z.enum(['low', 'normal', 'high', 'critical']);

/** Free-form but bounded structured output of AI work. */
export const jsonObject = z.record(z.string(), z.unknown());

/** SCREAMING_SNAKE error code, e.g. LLM_TIMEOUT. */
export const errorCode = z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/, 'must be an UPPER_SNAKE code');

/** Where a lead came from (seed 000's LeadSource.WEBSITE_FORM is `website_form`). */
export const leadSource = z.enum([
  'website_form',
  'landing_page',
  'referral',
  'social_media',
  'paid_ads',
  'email_campaign',
  'event',
  'crm_import',
  'manual',
  'api',
]);
