/**
 * The README and the guides in docs/ stay navigable: every relative link between them resolves
 * (the file exists and, for a `#fragment`, the target has a heading with that GitHub anchor), the
 * README stays short and links every guide, every guide links back, and the prose is Markdown
 * only (GitHub hides raw HTML tags such as `<date>` written outside code).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const README = 'README.md';
const DOCS = 'docs';
const guides = readdirSync(DOCS)
  .filter((name) => name.endsWith('.md'))
  .sort()
  .map((name) => path.join(DOCS, name));
const pages = [README, ...guides];

interface Link {
  line: number;
  target: string;
}

/** The text with fenced code blocks and inline code blanked out (same length, same line breaks). */
function prose(markdown: string): string {
  const blank = (text: string) => text.replace(/[^\n]/g, ' ');
  return markdown
    .replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\1[^\n]*$/gm, blank)
    .replace(/(`+)[\s\S]*?\1/g, blank);
}

/** The anchor GitHub gives a heading: lower case, punctuation and symbols dropped, spaces as hyphens. */
function githubSlug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a page offers; a repeated heading gets -1, -2, … as on GitHub. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  const withoutFences = markdown.replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\1[^\n]*$/gm, '');
  for (const match of withoutFences.matchAll(/^ {0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const slug = githubSlug(match[1] ?? '');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** Inline links and images `[text](target "title")` and reference definitions `[label]: target`. */
function links(markdown: string): Link[] {
  const text = prose(markdown);
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  const found: Link[] = [];
  for (const match of text.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g))
    found.push({ line: lineOf(match.index), target: match[1] ?? '' });
  for (const match of text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm))
    found.push({ line: lineOf(match.index), target: match[1] ?? '' });
  return found;
}

/** A line that starts a paragraph, not a heading, list, table, quote or code block. */
const isParagraphStart = (line: string) => line.trim() !== '' && !/^(#|\||[-*+] |\d+\. |```|~~~|>|\s)/.test(line);

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

/**
 * The relative links of `page` that do not resolve, as "page:line: target: why". `read` returns
 * a file's text, or undefined when there is no such file.
 */
function brokenLinks(page: string, markdown: string, read: (file: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const { line, target } of links(markdown)) {
    if (isExternal(target)) continue;
    const hash = target.indexOf('#');
    const filePart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
    const fragment = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const file = filePart === '' ? page : path.normalize(path.join(path.dirname(page), filePart));
    const where = `${page}:${line}: ${target}`;
    const content = read(file);
    if (content === undefined) {
      problems.push(`${where}: ${file} does not exist`);
      continue;
    }
    if (fragment === undefined || !file.endsWith('.md')) continue;
    if (!anchors(content).has(fragment)) problems.push(`${where}: ${file} has no heading with the anchor #${fragment}`);
  }
  return problems;
}

const readFromDisk = (file: string) => {
  if (!existsSync(file)) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return ''; // a directory: it exists, and has no headings
  }
};

/** The pages a page links to, as normalised paths. */
function linkedPages(page: string, markdown: string): Set<string> {
  return new Set(
    links(markdown)
      .map(({ target }) => target.split('#')[0] ?? '')
      .filter((file) => file !== '' && !isExternal(file))
      .map((file) => path.normalize(path.join(path.dirname(page), decodeURIComponent(file)))),
  );
}

describe('GitHub heading anchors', () => {
  it('when a heading has punctuation, code, links or non-ASCII letters, then its anchor is the one GitHub makes', () => {
    expect(githubSlug('Business time: what "2 business hours" and "3 business days" mean')).toBe(
      'business-time-what-2-business-hours-and-3-business-days-mean',
    );
    expect(githubSlug('Catalogue, price book and quote templates')).toBe('catalogue-price-book-and-quote-templates');
    expect(githubSlug('Deal desk settings in approvals.yaml')).toBe('deal-desk-settings-in-approvalsyaml');
    expect(githubSlug('The `leadflow` command')).toBe('the-leadflow-command');
    expect(githubSlug('See [the API](docs/api.md) first')).toBe('see-the-api-first');
    expect(githubSlug('Money → rounding')).toBe('money--rounding');
    expect(githubSlug('Überblick & Ärger_2')).toBe('überblick--ärger_2');
    expect(githubSlug('Set-up, step 1')).toBe('set-up-step-1');
  });

  it('when two headings are the same, then the second anchor gets -1', () => {
    expect([...anchors('# Notes\n\n## Notes\n\n```\n# not a heading\n```\n')]).toEqual(['notes', 'notes-1']);
  });
});

describe('the link check itself', () => {
  const site: Record<string, string> = {
    'README.md': '# Title\n\n## Tests\n',
    [path.join('docs', 'guide.md')]: '# Guide\n\n## Deal desk settings in approvals.yaml\n',
  };
  const read = (file: string) => site[file];

  it('when links point at existing pages and headings, then nothing is reported', () => {
    const page = [
      '[back](../README.md) [tests](../README.md#tests) [here](#deal-desk-settings-in-approvalsyaml)',
      '[web](https://example.com/x.md#nowhere) `[code](missing.md)`',
      '```md\n[fenced](missing.md)\n```',
      '[ref]: ../README.md#title',
    ].join('\n');
    expect(brokenLinks(path.join('docs', 'guide.md'), page, read)).toEqual([]);
  });

  it('when a link names a missing file or a missing heading, then it is reported with its line', () => {
    const page = '# Guide\n\n[gone](missing.md)\nsee [tests](../README.md#test) and [self](#nope)\n';
    expect(brokenLinks(path.join('docs', 'guide.md'), page, read)).toEqual([
      `${path.join('docs', 'guide.md')}:3: missing.md: ${path.join('docs', 'missing.md')} does not exist`,
      `${path.join('docs', 'guide.md')}:4: ../README.md#test: README.md has no heading with the anchor #test`,
      `${path.join('docs', 'guide.md')}:4: #nope: ${path.join('docs', 'guide.md')} has no heading with the anchor #nope`,
    ]);
  });
});

describe('README and docs/ stay navigable', () => {
  it('when the docs are read, then there is at least one guide in docs/', () => {
    expect(guides.length).toBeGreaterThan(0);
  });

  it('when a page links to another file or heading, then the file exists and has that heading', () => {
    const problems = pages.flatMap((page) => brokenLinks(page, readFileSync(page, 'utf8'), readFromDisk));
    expect(problems).toEqual([]);
  });

  it('when a newcomer opens the README, then it is under 300 lines', () => {
    expect(readFileSync(README, 'utf8').split('\n').length).toBeLessThan(300);
  });

  it('when a guide is in docs/, then the README links to it', () => {
    const linked = linkedPages(README, readFileSync(README, 'utf8'));
    expect(guides.filter((guide) => !linked.has(guide))).toEqual([]);
  });

  it('when a guide is opened, then it starts with its title and a summary and links back to the README', () => {
    const problems = guides.flatMap((guide) => {
      const markdown = readFileSync(guide, 'utf8');
      const [title, blank, summary] = markdown.split('\n');
      return [
        ...(/^# \S/.test(title ?? '') ? [] : [`${guide}: does not start with a "# Title" line`]),
        ...(blank === '' && isParagraphStart(summary ?? '') ? [] : [`${guide}: no summary paragraph under the title`]),
        ...(linkedPages(guide, markdown).has(README) ? [] : [`${guide}: no link back to ${README}`]),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('when the pages are rendered, then they are Markdown only (no raw HTML tags outside code)', () => {
    const problems = pages.flatMap((page) =>
      [...prose(readFileSync(page, 'utf8')).matchAll(/<\/?[A-Za-z][^>\s]*(?:\s[^>]*)?>/g)]
        .filter((match) => !/^<[a-z][a-z0-9+.-]*:/i.test(match[0]))
        .map((match) => `${page}: ${match[0]}`),
    );
    expect(problems).toEqual([]);
  });
});
