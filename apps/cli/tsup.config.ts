import { defineConfig } from 'tsup';

// One bundled file; native keyring modules stay external and are loaded lazily.
export default defineConfig({
  entry: { localagent: 'src/index.ts' },
  format: ['cjs'],
  platform: 'node',
  target: 'node20',
  clean: true,
  dts: false,
  noExternal: [/.*/],
  external: ['@napi-rs/keyring', 'keytar'],
  banner: { js: '#!/usr/bin/env node' },
  tsconfig: 'tsconfig.build.json',
});
