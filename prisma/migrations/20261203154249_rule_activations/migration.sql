-- CreateTable
CREATE TABLE "RuleActivation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "hash" TEXT NOT NULL,
    "previous" TEXT,
    "activatedAt" DATETIME NOT NULL,
    "summary" TEXT
);

-- CreateIndex
CREATE INDEX "RuleActivation_activatedAt_idx" ON "RuleActivation"("activatedAt");

-- The versions activated before this log existed: each one's last activation (earlier ones were overwritten).
INSERT INTO "RuleActivation" ("hash", "previous", "activatedAt", "summary")
SELECT "hash", NULL, "activatedAt", "summary" FROM "RuleVersion" WHERE "activatedAt" IS NOT NULL ORDER BY "activatedAt";
