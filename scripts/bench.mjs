// Runs every package's benchmark (bench/*.bench.mjs) in turn; each prints ratios against a baseline
// measured in the same run, never absolute pass/fail timings.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

const roots = ['packages', 'apps'];
let ran = 0;
for (const root of roots) {
  for (const name of readdirSync(root)) {
    const dir = join(root, name, 'bench');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.bench.mjs'))
      .sort()) {
      console.log(`\n## ${root}/${name}/bench/${file}`);
      execFileSync(process.execPath, ['--expose-gc', join(dir, file)], { stdio: 'inherit' });
      ran += 1;
    }
  }
}
console.log(`\n${ran} benchmark file(s) run`);
