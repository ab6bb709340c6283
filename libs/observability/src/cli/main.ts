#!/usr/bin/env node
import { doctorCommand } from './doctor.command';
import { sloRulesCommand } from './slo-rules.command';

/** `prs-observability <command>`: one entry per subcommand. */
const COMMANDS: Record<
  string,
  (
    argv: string[],
    out: (s: string) => void,
    err: (s: string) => void,
  ) => number | Promise<number>
> = {
  'slo-rules': sloRulesCommand,
  doctor: doctorCommand,
};

const USAGE = `Usage: prs-observability <command> [options]

Commands:
  doctor      explains why telemetry does not show up (versions, preload, /metrics, OTLP)
  slo-rules   rules, rule tests and a dashboard from service level objectives

prs-observability <command> --help shows a command's options.`;

async function main(argv: string[]): Promise<number> {
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
    return await command(rest, out, err);
  } catch (error) {
    err(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
