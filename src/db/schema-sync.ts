/**
 * The PostgreSQL schema is derived from the SQLite one so both providers always share one model:
 * only the datasource provider/url and the generated client's output folder differ.
 */
export function derivePostgresSchema(sqliteSchema: string): string {
  const derived = sqliteSchema
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/url\s*=\s*"file:[^"]*"/, 'url      = "postgresql://unused"')
    .replace(/output\s*=\s*"\.\.\/src\/db\/generated\/sqlite"/, 'output          = "../../src/db/generated/postgres"');
  return `// GENERATED from prisma/schema.prisma by \`npm run db:migration\`. Do not edit by hand.\n${derived}`;
}
