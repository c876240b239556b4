// Dependencies between the workspace's packages point one way:
//   errors ← config ← logging, security;  errors ← resilience ← security;  everything ← cli.
// madge (check:cycles) finds cycles inside a package; this finds a package depending on one it must
// not (which is how a cycle between packages starts). A new package must be added here.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const ALLOWED = {
  '@localagent/errors': [],
  '@localagent/config': ['@localagent/errors'],
  '@localagent/logging': ['@localagent/errors', '@localagent/config'],
  '@localagent/resilience': ['@localagent/errors'],
  '@localagent/security': ['@localagent/errors', '@localagent/config', '@localagent/resilience'],
  '@localagent/cli': [
    '@localagent/errors',
    '@localagent/config',
    '@localagent/logging',
    '@localagent/resilience',
    '@localagent/security',
  ],
};

const problems = [];
for (const root of ['packages', 'apps']) {
  for (const dir of readdirSync(root)) {
    const file = join(root, dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    const allowed = ALLOWED[manifest.name];
    if (allowed === undefined) {
      problems.push(
        `${manifest.name} (${file}) is not in scripts/check-dependencies.mjs: say what it may depend on`,
      );
      continue;
    }
    const deps = {
      ...manifest.dependencies,
      ...manifest.devDependencies,
      ...manifest.peerDependencies,
    };
    for (const [name, range] of Object.entries(deps)) {
      if (!String(range).startsWith('workspace:')) continue;
      if (!allowed.includes(name)) problems.push(`${manifest.name} must not depend on ${name}`);
    }
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('workspace dependencies point one way');
