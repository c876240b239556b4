/** The only module that writes to the terminal: human output on stdout, diagnostics on stderr. */
export function print(text: string): void {
  console.log(text);
}

export function printError(text: string): void {
  console.error(text);
}
