import { ignoreClosedPipe, processIo } from './io.js';
import { loadRun } from './load-run.js';
import { isVersionRequest, writeVersion } from './output.js';
import { VERSION } from './version.js';

// The entry stays tiny: everything testable lives in run(), which `--version` never loads.
ignoreClosedPipe(process.stdout);
const argv = process.argv.slice(2);
if (isVersionRequest(argv)) {
  writeVersion(process.stdout, VERSION);
} else {
  void loadRun()
    .run(argv, processIo())
    .then((code) => {
      process.exitCode = code;
    });
}
