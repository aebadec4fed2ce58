/**
 * The lead list as a sales person uses it: search by name, email or company in any case, filters
 * (stage, owner incl. `me`, source, score range), sorts (newest, score, last activity), and keyset
 * paging that shows every lead exactly once in each order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/database';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';

interface Summary {
  id: string;
  firstName: string | null;
  score: number;
  ownerId: string | null;
  lastActivityAt: string | null;
}

describe.each(providers)('lead search on %s', (provider) => {
  let system: TestSystem;
  const ids: Record<string, string> = {};
  let mqlOwner = '';

  beforeAll(async () => {
    system = await startTestSystem(provider);
    const capture = async (key: string, body: Record<string, unknown>) => {
      const created = await http(`${system.url}/api/leads`, { body });
      expect(created.status).toBe(201);
      ids[key] = created.body.id;
    };
    // Scores from rules/scoring.yaml: events 15, content 5, cold outreach 0; the VP at a large
    // software company from ads (no country) is 65, and a pricing-page visit (15) makes it an MQL (80).
    await capture('ada', {
      email: 'ada@analytical.io',
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: 'Analytical Engines',
      source: 'events',
    });
    await capture('alan', {
      email: 'alan@bletchley.uk',
      firstName: 'Alan',
      lastName: 'Turing',
      company: 'Bletchley Park',
      source: 'content',
    });
    await capture('edsger', {
      email: 'edsger@structured.nl',
      firstName: 'Edsger',
      company: 'Structured Programs',
      source: 'cold-outreach',
    });
    await capture('grace', {
      email: 'grace@compilers.io',
      firstName: 'Grace',
      company: 'Compilers Inc',
      title: 'VP Engineering',
      source: 'ads',
      attributes: { employees: 1200, region: 'north-america', industry: 'software' },
    });
    const visit = await http(`${system.url}/api/leads/${ids.grace}/events`, { body: { type: 'pricing-page-visit' } });
    expect(visit.body).toMatchObject({ stage: 'mql' });
    const owned = async () => (await http(`${system.url}/api/leads/${ids.grace}`)).body.ownerId !== null;
    expect(await eventually(owned, 20_000)).toBe(true);
    mqlOwner = (await http(`${system.url}/api/leads/${ids.grace}`)).body.ownerId;
    // Every lead's score is stored (the journeys score asynchronously).
    const expected = { ada: 15, alan: 5, edsger: 0, grace: 80 };
    const scores = async () => Object.fromEntries((await list('')).map((lead) => [nameOf(lead), lead.score]));
    const want = Object.fromEntries(Object.entries(expected).map(([key, score]) => [cap(key), score]));
    await eventually(async () => sameScores(await scores(), want), 20_000);
    expect(await scores()).toEqual(want);
  });
  afterAll(async () => {
    await system?.stop();
  });

  const sameScores = (a: Record<string, number>, b: Record<string, number>) =>
    Object.keys(b).every((key) => a[key] === b[key]);
  const cap = (key: string) => key[0]!.toUpperCase() + key.slice(1);
  const nameOf = (lead: Summary) => lead.firstName ?? '';
  async function list(query: string, token?: string): Promise<Summary[]> {
    const response = await http(`${system.url}/api/leads?${query}`, token ? { headers: bearer(token) } : {});
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.leads;
  }
  const names = async (query: string, token?: string) => (await list(query, token)).map(nameOf);

  /** Every page of a query at `limit=1`, following nextCursor. */
  async function walk(query: string): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await http(
        `${system.url}/api/leads?${query}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      seen.push(...page.body.leads.map(nameOf));
      cursor = page.body.nextCursor;
    } while (cursor !== null && seen.length < 20);
    return seen;
  }

  it('when searching by part of a name, email or company in another case, then the matching leads are found', async () => {
    expect(await names('q=LOVELACE')).toEqual(['Ada']);
    expect(await names('q=analytical')).toEqual(['Ada']);
    expect(await names('q=BLETCHLEY.uk')).toEqual(['Alan']);
    expect(await names('q=compilers%20inc')).toEqual(['Grace']);
    expect(await names('q=ada%20engines')).toEqual(['Ada']);
    expect(await names('q=ada%20bletchley')).toEqual([]);
    expect((await names('q=.io')).sort()).toEqual(['Ada', 'Grace']);
    // LIKE's wildcards separate words: they never match everything.
    expect(await names('q=lovelace%25bletchley')).toEqual([]);
    expect(await names('q=ada_lovelace')).toEqual(['Ada']);
    const wildcardsOnly = await http(`${system.url}/api/leads?q=${encodeURIComponent('%_ %')}`);
    expect(wildcardsOnly.status).toBe(400);
  });

  it('when filtering by source, stage and score range, then only those leads are listed', async () => {
    expect(await names('source=content')).toEqual(['Alan']);
    expect(await names('stage=mql')).toEqual(['Grace']);
    expect(await names('minScore=5&maxScore=15&sort=score')).toEqual(['Ada', 'Alan']);
    expect(await names('minScore=16')).toEqual(['Grace']);
    expect(await names('maxScore=0')).toEqual(['Edsger']);
  });

  it('when the owner of the MQL asks for owner=me, then they get their own lead; an owner filter by email does the same for revops', async () => {
    const token = await system.personToken(mqlOwner, 'rep');
    expect(await names('owner=me', token)).toEqual(['Grace']);
    expect(await names(`owner=${encodeURIComponent(mqlOwner.toUpperCase())}`)).toEqual(['Grace']);
    expect(await names('owner=me')).toEqual([]); // revops owns no lead
  });

  it('when sorting by score, newest or last activity, then each order pages through every lead exactly once', async () => {
    expect(await walk('sort=score')).toEqual(['Grace', 'Ada', 'Alan', 'Edsger']);
    expect(await walk('sort=newest')).toEqual(['Grace', 'Edsger', 'Alan', 'Ada']);
    // Grace's visit is the newest activity; then the submissions, newest first.
    expect(await walk('sort=activity')).toEqual(['Grace', 'Edsger', 'Alan', 'Ada']);

    const earlier = new Date(Date.now() - 60_000).toISOString();
    const logged = await http(`${system.url}/api/leads/${ids.ada}/events`, {
      body: { type: 'content-download', at: new Date().toISOString() },
    });
    expect(logged.status).toBeLessThan(300);
    // An event dated before the last activity does not move it back.
    await http(`${system.url}/api/leads/${ids.grace}/events`, { body: { type: 'page-visit', at: earlier } });
    expect(await walk('sort=activity')).toEqual(['Ada', 'Grace', 'Edsger', 'Alan']);
    expect(await walk('sort=activity&q=.io')).toEqual(['Ada', 'Grace']);
    const [ada] = await list('q=lovelace');
    expect(Date.parse(ada!.lastActivityAt!)).toBeGreaterThan(Date.parse(earlier));
  });

  it('when a cursor of another order, a score range upside down or an unknown sort is sent, then 422 or 400 names the field', async () => {
    const first = await http(`${system.url}/api/leads?sort=activity&limit=1`);
    const refused = await http(
      `${system.url}/api/leads?sort=score&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields).toEqual([
      expect.objectContaining({ path: 'cursor', message: expect.stringContaining('sort=activity') }),
    ]);
    const upsideDown = await http(`${system.url}/api/leads?minScore=50&maxScore=10`);
    expect(upsideDown.status).toBe(422);
    expect(upsideDown.body.error.fields).toEqual([
      expect.objectContaining({ path: 'maxScore', message: 'must be at least minScore (50)' }),
    ]);
    const unknown = await http(`${system.url}/api/leads?sort=name&source=fax&q=`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields.map((field: { path: string }) => field.path).sort()).toEqual([
      'q',
      'sort',
      'source',
    ]);
  });
});
