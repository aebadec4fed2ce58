-- CreateTable
CREATE TABLE "RuleActivation" (
    "id" SERIAL NOT NULL,
    "hash" TEXT NOT NULL,
    "previous" TEXT,
    "activatedAt" TIMESTAMP(3) NOT NULL,
    "summary" TEXT,

    CONSTRAINT "RuleActivation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RuleActivation_activatedAt_idx" ON "RuleActivation"("activatedAt");

-- The versions activated before this log existed: each one's last activation (earlier ones were overwritten).
INSERT INTO "RuleActivation" ("hash", "previous", "activatedAt", "summary")
SELECT "hash", NULL, "activatedAt", "summary" FROM "RuleVersion" WHERE "activatedAt" IS NOT NULL ORDER BY "activatedAt";
