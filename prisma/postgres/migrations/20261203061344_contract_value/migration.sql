-- Contract value excluding tax and term-aware (docs/deal-desk.md "Contract value"): products say how
-- they are billed, contracts keep their term, TCV and ACV, and deals their ACV beside the amount.

-- AlterTable
ALTER TABLE "Deal" ADD COLUMN     "acvMinor" BIGINT;

-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "billing" TEXT NOT NULL DEFAULT 'yearly';

-- AlterTable
ALTER TABLE "Contract" ADD COLUMN     "acvMinor" BIGINT,
ADD COLUMN     "tcvMinor" BIGINT,
ADD COLUMN     "termMonths" INTEGER;

-- Earlier contracts were valued at one year of the signed version including tax. Revalue them from
-- that version: its taxable amount was one year of every line, so TCV = taxable × term / 12 and
-- ACV = TCV × 12 / max(term, 12), each rounded half away from zero.
UPDATE "Contract" c SET
    "termMonths" = COALESCE((v."content"->>'termMonths')::integer, 12),
    "tcvMinor" = ROUND(COALESCE((v."totals"->>'taxableMinor')::numeric, c."valueMinor")
                       * COALESCE((v."content"->>'termMonths')::integer, 12) / 12)
FROM "QuoteVersion" v
WHERE v."id" = c."quoteVersionId";
UPDATE "Contract" SET "termMonths" = 12, "tcvMinor" = "valueMinor" WHERE "termMonths" IS NULL;
UPDATE "Contract" SET "acvMinor" = ROUND("tcvMinor"::numeric * 12 / GREATEST("termMonths", 12));

ALTER TABLE "Contract" DROP COLUMN "valueMinor",
ALTER COLUMN "acvMinor" SET NOT NULL,
ALTER COLUMN "tcvMinor" SET NOT NULL,
ALTER COLUMN "termMonths" SET NOT NULL;

-- A won deal's amount is its contract's TCV, and its ACV beside it.
UPDATE "Deal" d SET "amountMinor" = c."tcvMinor", "acvMinor" = c."acvMinor"
FROM "Contract" c
WHERE c."dealId" = d."id";
