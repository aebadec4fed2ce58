-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ApiToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "kind" TEXT NOT NULL DEFAULT 'person',
    "personEmail" TEXT NOT NULL,
    "scopes" TEXT NOT NULL DEFAULT '',
    "label" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "expiresAt" DATETIME,
    "revokedAt" DATETIME
);
INSERT INTO "new_ApiToken" ("createdAt", "createdBy", "expiresAt", "hash", "id", "label", "lastUsedAt", "personEmail", "prefix", "revokedAt", "tenant") SELECT "createdAt", "createdBy", "expiresAt", "hash", "id", "label", "lastUsedAt", "personEmail", "prefix", "revokedAt", "tenant" FROM "ApiToken";
DROP TABLE "ApiToken";
ALTER TABLE "new_ApiToken" RENAME TO "ApiToken";
CREATE UNIQUE INDEX "ApiToken_hash_key" ON "ApiToken"("hash");
CREATE INDEX "ApiToken_tenant_personEmail_idx" ON "ApiToken"("tenant", "personEmail");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
