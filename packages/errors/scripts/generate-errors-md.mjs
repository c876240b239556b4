// Writes ERRORS.md from the catalog in the built package (run `pnpm --filter @localagent/errors docs:errors`).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { errorCatalogMarkdown } from '../dist/index.mjs';

const target = fileURLToPath(new URL('../ERRORS.md', import.meta.url));
writeFileSync(target, errorCatalogMarkdown());
process.stdout.write(`wrote ${target}\n`);
