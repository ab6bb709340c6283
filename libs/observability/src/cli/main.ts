#!/usr/bin/env node
import { sloRulesCommand } from './slo-rules.command';

/** `prs-observability <command>`: one entry per subcommand. */
const COMMANDS: Record<
  string,
  (argv: string[], out: (s: string) => void, err: (s: string) => void) => number
> = {
  'slo-rules': sloRulesCommand,
};

const USAGE = `Usage: prs-observability <command> [options]

Commands:
  slo-rules   rules, rule tests and a dashboard from service level objectives

prs-observability <command> --help shows a command's options.`;

function main(argv: string[]): number {
  const [name, ...rest] = argv;
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const err = (s: string) => process.stderr.write(`${s}\n`);
  if (name === undefined || name === '--help' || name === '-h') {
    out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    err(`unknown command: ${name}\n\n${USAGE}`);
    return 2;
  }
  try {
    return command(rest, out, err);
  } catch (error) {
    err(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
