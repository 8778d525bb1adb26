/**
 * The operator's CLI (`runner-autoscaler`, or `npm run cli --`): apply a flavors file, show status, set
 * the fallback count, flush and stop flavors, all through the flavor workflows' updates, queries and
 * cancellation. Exit codes: 0 done, 1 failed or refused, 2 bad usage or Temporal unreachable.
 */
import { parseCommandLine, type Command } from './args';
import { CliError, describeError } from './cli-error';
import { apply } from './commands/apply';
import type { CommandContext, ExitCode } from './commands/context';
import { fallback } from './commands/fallback';
import { flush } from './commands/flush';
import { status } from './commands/status';
import { stop } from './commands/stop';
import { connect, connectionSettings } from './connection';
import { FlavorsFileError, loadFlavorsFile } from '../contracts/flavors-file';
import { USAGE } from './usage';

type Run = (context: CommandContext) => Promise<ExitCode>;

async function main(argv: string[]): Promise<number> {
  const { command, connection } = parseCommandLine(argv);
  if (command.name === 'help') {
    console.log(USAGE);
    return 0;
  }
  const run = prepare(command);
  const settings = connectionSettings(connection, process.env);
  const connected = await connect(settings);
  try {
    return await run({ client: connected.client, taskQueue: settings.taskQueue, print: console.log });
  } finally {
    await connected.close();
  }
}

/** Everything a command can check offline happens here, before connecting: a bad file never touches Temporal. */
function prepare(command: Exclude<Command, { name: 'help' }>): Run {
  switch (command.name) {
    case 'apply': {
      const flavors = loadFlavors(command.file);
      return (context) => apply(context, flavors);
    }
    case 'status':
      return (context) => status(context, command.flavor, command.json);
    case 'fallback':
      return (context) => fallback(context, command.flavor, command.count);
    case 'flush':
      return (context) => flush(context, command.flavor, command.busy);
    case 'stop':
      return (context) => stop(context, command.flavor);
  }
}

function loadFlavors(file: string) {
  try {
    return loadFlavorsFile(file);
  } catch (err) {
    if (err instanceof FlavorsFileError) throw new CliError(err.message);
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof CliError ? err.message : `error: ${describeError(err)}`);
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  },
);
