import { describe, expect, it } from 'vitest';
import { check, confidence, score, summarise } from './audit-report.ts';

describe('score', () => {
  const checks = [
    check('a', 'one', 'critical', true, 'a'),
    check('b', 'one', 'warning', false, 'b'),
    check('c', 'one', 'notice', false, 'c'),
    check('d', 'two', 'notice', true, 'd'),
  ];

  it('weighs checks by severity (5, 2, 1) and categories by their weights', () => {
    // one: 5 of 8 = 63 (62.5 rounds up); two: 100; overall (63 * 0.75 + 100 * 0.25) = 72.25.
    expect(score(checks, { one: 0.75, two: 0.25 })).toEqual({ overall: 72, categories: { one: 63, two: 100 } });
  });

  it('leaves out a category with no checks and renormalises the others', () => {
    expect(score(checks, { one: 0.5, three: 0.5 })).toEqual({ overall: 63, categories: { one: 63 } });
  });

  it('summarises the score and the failed critical checks', () => {
    const failing = [...checks, check('e', 'two', 'critical', false, 'e')];
    const scores = score(failing, { one: 1, two: 1 });
    expect(summarise('SEO', 'https://a.example/', failing, scores)).toBe(
      `SEO score ${scores.overall}/100 for https://a.example/: 3 of 5 checks failed (critical: e).`,
    );
  });
});

describe('confidence', () => {
  it('costs each unobserved fact its points, never below 10', () => {
    const none = {
      pageNotAudited: false,
      bodyTruncated: false,
      robotsUnknown: false,
      sitemapUnknown: false,
      unansweredLinkShare: 0,
    };
    expect(confidence(none)).toBe(100);
    expect(confidence({ ...none, robotsUnknown: true, unansweredLinkShare: 0.5 })).toBe(80);
    expect(
      confidence({
        pageNotAudited: true,
        bodyTruncated: true,
        robotsUnknown: true,
        sitemapUnknown: true,
        unansweredLinkShare: 1,
      }),
    ).toBe(10);
  });
});
