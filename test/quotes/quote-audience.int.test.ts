/**
 * Which language a quote is written in (its email, PDF and page): the recipient contact's when
 * set, else the deal's lead's. On a real SQLite database; the query is the same on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteAudience } from '../../src/usecases/quote-audience';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { quoteContent } from './support';

describe('quoteAudience', () => {
  let database: TestDatabase;
  const deal = { leadId: 'lead-1', accountId: 'account-1' };

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    const { db } = database;
    await db.lead.create({
      data: {
        id: 'lead-1',
        email: 'grace@compilers.io',
        source: 'ads',
        sourceDetails: {},
        attributes: {},
        journeyId: 'journey-lead-1',
        language: 'en',
      },
    });
    await db.account.create({ data: { id: 'account-1', name: 'Compilers Inc' } });
    await db.contact.createMany({
      data: [
        {
          id: 'c1',
          accountId: 'account-1',
          name: '王伟',
          email: 'wang.wei@bianyiqi.cn',
          role: 'champion',
          language: 'zh-CN',
        },
        { id: 'c2', accountId: 'account-1', name: 'Ada', email: 'ada@compilers.io', role: 'user', language: null },
      ],
    });
  });
  afterAll(async () => {
    await database?.drop();
  });

  const customer = (email?: string) =>
    quoteContent({ customer: { company: 'Compilers Inc', region: 'US-NY', ...(email ? { email } : {}) } });

  it.each([
    ['a contact whose language is zh-CN', 'wang.wei@bianyiqi.cn', 'zh-CN'],
    ['a contact without a language (the en lead decides)', 'ada@compilers.io', 'en'],
    ['an address no contact has (the en lead decides)', 'someone@elsewhere.io', 'en'],
  ])('when the quote goes to %s, then it is written in its language', async (_, email, language) => {
    expect(await quoteAudience(database.db, deal, customer(email))).toEqual({
      recipient: { email },
      language,
    });
  });

  it("when the quote names no customer email, then it goes to the lead, in the lead's language", async () => {
    await database.db.lead.update({ where: { id: 'lead-1' }, data: { language: 'zh-CN' } });
    expect(await quoteAudience(database.db, deal, customer())).toEqual({
      recipient: { email: 'grace@compilers.io' },
      language: 'zh-CN',
    });
  });
});
