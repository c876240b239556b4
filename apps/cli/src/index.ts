/* eslint-disable @typescript-eslint/no-require-imports -- run() (commander and everything after it) is required only when needed: `--version` answers without loading it */
import { processIo } from './io.js';
import { isVersionRequest, writeVersion } from './output.js';
import { VERSION } from './version.js';

// The entry stays tiny: everything testable lives in run().
const argv = process.argv.slice(2);
if (isVersionRequest(argv)) {
  writeVersion(process.stdout, VERSION);
} else {
  const { run } = require('./run.js') as typeof import('./run.js');
  void run(argv, processIo()).then((code) => {
    process.exitCode = code;
  });
}
