import { checker, type Check } from './audit-report.ts';
import type { PageFacts } from './page-facts.ts';

const content = checker('content');

/** What the page says about itself: title, description, headings, alt text, language. */
export function contentChecks(facts: PageFacts): Check[] {
  return [
    ...titleChecks(facts),
    ...descriptionChecks(facts),
    ...headingChecks(facts),
    ...imageAndLanguageChecks(facts),
  ];
}

/** Search results show about 60 characters of a title; under 10 says too little. */
function titleChecks({ title }: PageFacts): Check[] {
  const length = title?.length ?? 0;
  return [
    content('title', 'critical', title !== null, ['The page has a title.', 'The page has no title.'], title),
    content(
      'title-length',
      'warning',
      length >= 10 && length <= 60,
      `The title is ${length} characters (10-60 read well in results).`,
      length,
    ),
  ];
}

/** Search results show about 160 characters of a description; under 50 wastes the snippet. */
function descriptionChecks({ metaDescription }: PageFacts): Check[] {
  const length = metaDescription?.length ?? 0;
  const messages = ['The page has a meta description.', 'The page has no meta description.'] as const;
  return [
    content('meta-description', 'warning', metaDescription !== null, messages, metaDescription),
    content(
      'meta-description-length',
      'notice',
      length >= 50 && length <= 160,
      `The meta description is ${length} characters (50-160 show in full).`,
      length,
    ),
  ];
}

function headingChecks(facts: PageFacts): Check[] {
  const skipped = skippedHeading(facts);
  const outline = facts.headings.map((heading) => `h${heading.level} ${heading.text}`);
  const h1 = `The page has ${facts.h1Count} h1 heading(s); one names its topic.`;
  return [
    content('single-h1', 'warning', facts.h1Count === 1, h1, facts.h1Count),
    content(
      'heading-outline',
      'notice',
      skipped === null,
      ['Headings do not skip levels.', `The outline skips a level: ${skipped}.`],
      outline,
    ),
  ];
}

/** The first heading that goes more than one level deeper than the one before it, e.g. `h2 -> h4`. */
function skippedHeading(facts: PageFacts): string | null {
  let previous = 0;
  for (const heading of facts.headings) {
    if (heading.level > previous + 1 && previous !== 0) return `h${previous} -> h${heading.level}`;
    previous = heading.level;
  }
  return null;
}

function imageAndLanguageChecks(facts: PageFacts): Check[] {
  const { imagesWithoutAltCount: missing, imageCount, lang } = facts;
  const alt = `${missing} of ${imageCount} image(s) have no alt text.`;
  const language = [`The page declares its language (${lang}).`, 'The html element has no lang.'] as const;
  return [
    content('image-alt', 'warning', missing === 0, alt, facts.imagesWithoutAlt),
    content('lang', 'warning', lang !== null, language, lang),
  ];
}
