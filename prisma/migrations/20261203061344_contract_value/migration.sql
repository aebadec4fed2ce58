-- Contract value excluding tax and term-aware (docs/deal-desk.md "Contract value"): products say how
-- they are billed, contracts keep their term, TCV and ACV, and deals their ACV beside the amount.

-- AlterTable
ALTER TABLE "Deal" ADD COLUMN "acvMinor" BIGINT;

-- AlterTable
ALTER TABLE "Product" ADD COLUMN "billing" TEXT NOT NULL DEFAULT 'yearly';

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Contract" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "dealId" TEXT NOT NULL,
    "quoteVersionId" TEXT NOT NULL,
    "startDate" DATETIME NOT NULL,
    "endDate" DATETIME NOT NULL,
    "termMonths" INTEGER NOT NULL,
    "tcvMinor" BIGINT NOT NULL,
    "acvMinor" BIGINT NOT NULL,
    "currency" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "workflowId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Contract_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- Earlier contracts were valued at one year of the signed version including tax. Revalue them from
-- that version: its taxable amount was one year of every line, so TCV = taxable × term / 12 and
-- ACV = TCV × 12 / max(term, 12), each rounded half away from zero.
INSERT INTO "new_Contract" ("id", "tenant", "dealId", "quoteVersionId", "startDate", "endDate", "termMonths", "tcvMinor", "acvMinor", "currency", "status", "workflowId", "createdAt")
SELECT "id", "tenant", "dealId", "quoteVersionId", "startDate", "endDate", "term", "tcv",
       CAST(ROUND("tcv" * 12.0 / MAX("term", 12)) AS INTEGER), "currency", "status", "workflowId", "createdAt"
FROM (
    SELECT *, CAST(ROUND("yearly" * "term" / 12.0) AS INTEGER) AS "tcv"
    FROM (
        SELECT c.*,
               COALESCE(json_extract(v."content", '$.termMonths'), 12) AS "term",
               COALESCE(json_extract(v."totals", '$.taxableMinor'), c."valueMinor") AS "yearly"
        FROM "Contract" c LEFT JOIN "QuoteVersion" v ON v."id" = c."quoteVersionId"
    )
);
DROP TABLE "Contract";
ALTER TABLE "new_Contract" RENAME TO "Contract";
CREATE UNIQUE INDEX "Contract_dealId_key" ON "Contract"("dealId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- A won deal's amount is its contract's TCV, and its ACV beside it.
UPDATE "Deal" SET
    "amountMinor" = (SELECT "tcvMinor" FROM "Contract" WHERE "Contract"."dealId" = "Deal"."id"),
    "acvMinor" = (SELECT "acvMinor" FROM "Contract" WHERE "Contract"."dealId" = "Deal"."id")
WHERE "id" IN (SELECT "dealId" FROM "Contract");
