/** `npm run web:build [-- --force]`: builds the workspace and reports what each asset weighs. */
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWorkspace } from './build';

const result = await buildWorkspace({ force: process.argv.includes('--force') });
console.log(`leadflow: workspace ${result.built ? 'built' : 'already current'} in ${result.dir}`);
const rows = Object.entries(result.assets).map(([name, bytes]) => {
  const gzip = gzipSync(readFileSync(join(result.dir, 'assets', name))).length;
  return { name, kB: +(bytes / 1024).toFixed(1), gzipKB: +(gzip / 1024).toFixed(1) };
});
console.table(rows);
