import { describe, expect, it } from 'vitest';
import { LeadflowError } from '../../src/domain/errors';
import { attendeeRows } from '../../src/usecases/attendee-csv';
import { assertWithinBatchLimit, MAX_BATCH_ROWS, rowSubmissionId } from '../../src/usecases/bulk-intake';
import { SubmissionIdSchema } from '../../src/api/schemas';

const lead = {
  email: 'Ada@Example.io',
  firstName: 'Ada',
  source: 'events' as const,
  sourceDetails: {},
  attributes: {},
};
const options = { source: 'events' as const, campaign: 'fair', event: null, delimiter: ',' as const, columns: {} };

describe("a bulk row's submission id", () => {
  it('when the same row comes again (keys in another order, email in another case), then its id is the same UUID', () => {
    const id = rowSubmissionId('acme', lead);
    expect(SubmissionIdSchema.safeParse(id).success).toBe(true);
    expect(
      rowSubmissionId('acme', {
        attributes: {},
        sourceDetails: {},
        source: 'events',
        firstName: 'Ada',
        email: 'ada@example.io',
      }),
    ).toBe(id);
  });

  it('when the content, or the tenant, differs, then the id differs', () => {
    const id = rowSubmissionId('acme', lead);
    expect(rowSubmissionId('acme', { ...lead, company: 'Analytical' })).not.toBe(id);
    expect(rowSubmissionId('acme', { ...lead, sourceDetails: { campaign: 'other' } })).not.toBe(id);
    expect(rowSubmissionId('globex', lead)).not.toBe(id);
  });
});

describe('an attendee list', () => {
  it('when its headers are the usual English ones, then each row becomes a lead of the campaign, a full name split at its last space', () => {
    const rows = attendeeRows('Full Name,E-Mail,Job Title,Organisation\nAna María Ruiz,ana@x.io,CTO,Acme\n', options);
    expect(rows).toEqual([
      {
        row: 2,
        lead: expect.objectContaining({
          email: 'ana@x.io',
          firstName: 'Ana María',
          lastName: 'Ruiz',
          title: 'CTO',
          company: 'Acme',
          source: 'events',
          sourceDetails: { campaign: 'fair' },
        }),
      },
    ]);
  });

  it('when its headers are Chinese, then a name without a space is kept whole and a bad cell is named by row and column', () => {
    const rows = attendeeRows('姓名,电子邮箱,国家\n张伟,zhang@x.cn,CN\n李娜,li@x.cn,火星\n', options);
    expect(rows[0]).toMatchObject({ row: 2, lead: { firstName: '张伟', email: 'zhang@x.cn', country: 'CN' } });
    expect(rows[1]).toEqual({
      row: 3,
      errors: [
        {
          row: 3,
          field: 'country',
          column: '国家',
          message: expect.stringMatching(/^row 3, column "国家": must be a two-letter/),
          // Stored beside the English, so a reader in another language gets the row worded in theirs.
          code: 'field',
          fileRow: true,
          values: expect.objectContaining({ issue: 'invalid_format', format: 'regex' }),
        },
      ],
    });
  });

  it('when it has a header and no rows, then it is refused: there is nothing to capture', () => {
    expect(() => attendeeRows('email,name\n', options)).toThrow(/no attendees/);
  });

  it('when a column is named that the file lacks, then the whole file is refused with the columns it has', () => {
    expect(() => attendeeRows('email\na@x.io\n', { ...options, columns: { company: 'Firma' } })).toThrow(/do not map/);
  });

  it('when it has more rows than a batch takes, then it is refused as too large, naming the limit', () => {
    const csv = `email\n${Array.from({ length: MAX_BATCH_ROWS + 1 }, (_, i) => `a${i}@x.io`).join('\n')}\n`;
    let refusal: unknown;
    try {
      attendeeRows(csv, options);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(LeadflowError);
    expect(refusal).toMatchObject({
      code: 'payload_too_large',
      message: expect.stringContaining(`at most ${MAX_BATCH_ROWS}`),
    });
    expect(() => assertWithinBatchLimit(MAX_BATCH_ROWS, 'batch')).not.toThrow();
  });
});
