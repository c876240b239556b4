import { print } from './output.js';

const HELP = `Usage: localagent <command> [options]

Commands:
  config   store, show, rotate, delete and list provider API keys
  audit    verify and show the audit log
  doctor   check backends, keyring, permissions and configuration
  errors   explain an error code

Options:
  --help     show this help
  --version  show the version`;

export function main(argv: string[]): number {
  if (argv.includes('--version')) {
    print('0.0.0');
    return 0;
  }
  print(HELP);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
