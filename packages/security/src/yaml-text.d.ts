// YAML files are embedded as text at build time (tsup `loader: { '.yaml': 'text' }`, and a jest
// transform in tests), so the schema travels inside dist/ even when an app bundles this package.
declare module '*.yaml' {
  const text: string;
  export default text;
}
