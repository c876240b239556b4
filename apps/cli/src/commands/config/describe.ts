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

/** "; removed the old copy from the encrypted key file" when a write moved a key between stores. */
export function removedNote(removedFrom: readonly string[]): string {
  if (removedFrom.length === 0) return '';
  return `; removed the old copy from the ${removedFrom.map(describeSource).join(' and the ')}`;
}
