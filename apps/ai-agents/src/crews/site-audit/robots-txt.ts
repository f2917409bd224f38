/** One group of a robots.txt: the user agents it names and its rules, in file order. */
interface RobotsGroup {
  agents: string[];
  rules: { allow: boolean; pattern: string }[];
}

export interface RobotsTxt {
  groups: RobotsGroup[];
  sitemaps: string[];
}

/** A robots.txt parsed as RFC 9309 reads it: consecutive user-agent lines open one group. */
export function parseRobotsTxt(text: string): RobotsTxt {
  const groups: RobotsGroup[] = [];
  const sitemaps: string[] = [];
  let current: RobotsGroup | null = null;
  let collectingAgents = false;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const field = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (field === 'sitemap') {
      if (value) sitemaps.push(value);
    } else if (field === 'user-agent') {
      if (!current || !collectingAgents) groups.push((current = { agents: [], rules: [] }));
      current.agents.push(value.toLowerCase());
      collectingAgents = true;
    } else if ((field === 'allow' || field === 'disallow') && current) {
      collectingAgents = false;
      // An empty Disallow allows everything: it is no rule at all.
      if (value) current.rules.push({ allow: field === 'allow', pattern: value });
    }
  }
  return { groups, sitemaps };
}

/**
 * Whether `userAgent` may fetch `path` (path and query): the groups naming the agent (or, if none,
 * `*`) are merged, and the longest matching rule wins, Allow on a tie (RFC 9309 section 2.2.2).
 */
export function robotsAllows(
  robots: RobotsTxt,
  userAgent: string,
  path: string,
): { allowed: boolean; rule: string | null } {
  const agent = userAgent.toLowerCase();
  const named = robots.groups.filter((group) => group.agents.includes(agent));
  const groups = named.length > 0 ? named : robots.groups.filter((group) => group.agents.includes('*'));
  let best: { allow: boolean; pattern: string } | null = null;
  for (const rule of groups.flatMap((group) => group.rules)) {
    if (!patternMatches(rule.pattern, path)) continue;
    const longer = !best || rule.pattern.length > best.pattern.length;
    const tieAllow = best && rule.pattern.length === best.pattern.length && rule.allow && !best.allow;
    if (longer || tieAllow) best = rule;
  }
  if (!best) return { allowed: true, rule: null };
  return { allowed: best.allow, rule: `${best.allow ? 'Allow' : 'Disallow'}: ${best.pattern}` };
}

/** `*` matches any run of characters and a final `$` anchors the end; otherwise a prefix match. */
function patternMatches(pattern: string, path: string): boolean {
  const anchored = pattern.endsWith('$');
  const body = anchored ? pattern.slice(0, -1) : pattern;
  const source = body
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}${anchored ? '$' : ''}`).test(path);
}
