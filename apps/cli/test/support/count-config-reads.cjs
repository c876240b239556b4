/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, preloaded with node --require */
// Preloaded (`node --require`) into the built CLI by config-reads.e2e.test.ts: counts every read of a
// file named config.yaml through node:fs (sync, callback and promise APIs), and writes the count to
// $LA_COUNT_FILE when the process exits (and the CLI's bundle files it loaded to $LA_COUNT_FILE.modules).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

let reads = 0;
const isConfig = (file) =>
  (typeof file === 'string' || file instanceof URL) &&
  path.basename(String(file)) === 'config.yaml';
const count = (target, name) => {
  const original = target[name];
  target[name] = function counted(file, ...rest) {
    if (isConfig(file)) reads += 1;
    return original.call(this, file, ...rest);
  };
};
for (const name of ['readFileSync', 'openSync', 'readFile', 'open', 'createReadStream'])
  count(fs, name);
for (const name of ['readFile', 'open']) count(fs.promises, name);
process.on('exit', () => {
  fs.writeFileSync(process.env.LA_COUNT_FILE, String(reads));
  // which of the CLI's on-demand files this run loaded
  const files = Object.keys(require.cache).map((file) => path.basename(file));
  fs.writeFileSync(
    `${process.env.LA_COUNT_FILE}.modules`,
    JSON.stringify(files.filter((f) => f.startsWith('localagent-'))),
  );
});
