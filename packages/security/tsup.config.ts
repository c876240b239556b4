import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  // config/security_schema.yaml is embedded as text: dist/ needs no file next to it, even when an
  // app bundles this package (the YAML file is still shipped, for editors and other tools)
  loader: { '.yaml': 'text' },
});
