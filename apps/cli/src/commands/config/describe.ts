/** How a key's location reads in a sentence. */
export function describeSource(source: string): string {
  switch (source) {
    case 'env':
      return 'environment variable';
    case 'keyring':
      return 'OS keyring';
    case 'file':
      return 'encrypted key file';
    default:
      return source;
  }
}
