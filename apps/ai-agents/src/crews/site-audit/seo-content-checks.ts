import { check, type Check } from './audit-report.ts';
import type { PageFacts } from './page-facts.ts';

/** What the page says about itself: title, description, headings, alt text, language. */
export function contentChecks(facts: PageFacts): Check[] {
  const titleLength = facts.title?.length ?? 0;
  const descriptionLength = facts.metaDescription?.length ?? 0;
  const skipped = skippedHeading(facts);
  return [
    check(
      'title',
      'content',
      'critical',
      facts.title !== null,
      facts.title ? 'The page has a title.' : 'The page has no title.',
      facts.title,
    ),
    check(
      'title-length',
      'content',
      'warning',
      titleLength >= 10 && titleLength <= 60,
      `The title is ${titleLength} characters (10-60 read well in results).`,
      titleLength,
    ),
    check(
      'meta-description',
      'content',
      'warning',
      facts.metaDescription !== null,
      facts.metaDescription ? 'The page has a meta description.' : 'The page has no meta description.',
      facts.metaDescription,
    ),
    check(
      'meta-description-length',
      'content',
      'notice',
      descriptionLength >= 50 && descriptionLength <= 160,
      `The meta description is ${descriptionLength} characters (50-160 show in full).`,
      descriptionLength,
    ),
    check(
      'single-h1',
      'content',
      'warning',
      facts.h1Count === 1,
      `The page has ${facts.h1Count} h1 heading(s); one names its topic.`,
      facts.h1Count,
    ),
    check(
      'heading-outline',
      'content',
      'notice',
      skipped === null,
      skipped ? `The outline skips a level: ${skipped}.` : 'Headings do not skip levels.',
      facts.headings.map((heading) => `h${heading.level} ${heading.text}`),
    ),
    check(
      'image-alt',
      'content',
      'warning',
      facts.imagesWithoutAltCount === 0,
      `${facts.imagesWithoutAltCount} of ${facts.imageCount} image(s) have no alt text.`,
      facts.imagesWithoutAlt,
    ),
    check(
      'lang',
      'content',
      'warning',
      facts.lang !== null,
      facts.lang ? `The page declares its language (${facts.lang}).` : 'The html element has no lang.',
      facts.lang,
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
