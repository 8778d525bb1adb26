import { parseArgs } from 'node:util';
import { CliError } from './cli-error';
import type { ConnectionFlags } from './connection';
import { USAGE } from './usage';

export type Command =
  | { name: 'help' }
  | { name: 'apply'; file: string }
  | { name: 'status'; flavor?: string; json: boolean }
  | { name: 'fallback'; flavor: string; count: number }
  | { name: 'flush'; flavor: string; busy: boolean }
  | { name: 'stop'; flavor: string };

/** Each command's positional arguments (a trailing `?` marks an optional one) and its own flags. */
const commands = {
  apply: { args: ['flavors.yaml'], flags: [] },
  status: { args: ['flavor?'], flags: ['json'] },
  fallback: { args: ['flavor', 'n'], flags: [] },
  flush: { args: ['flavor'], flags: ['busy'] },
  stop: { args: ['flavor'], flags: [] },
} as const;

const commandFlags = ['json', 'busy'] as const;

export const usageError = (problem: string) => new CliError(`${problem}\n\n${USAGE}`, 2);

/** The command and connection flags of a command line; anything off is a usage error (exit 2). */
export function parseCommandLine(argv: string[]): { command: Command; connection: ConnectionFlags } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        address: { type: 'string' },
        namespace: { type: 'string' },
        'task-queue': { type: 'string' },
        tls: { type: 'boolean' },
        profile: { type: 'string' },
        json: { type: 'boolean' },
        busy: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw usageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const { address, namespace, 'task-queue': taskQueue, tls, profile } = values;
  const connection = { address, namespace, 'task-queue': taskQueue, tls, profile };
  if (values.help) return { command: { name: 'help' }, connection };
  const [name, ...args] = positionals;
  if (name === undefined) throw usageError('missing command');
  if (!Object.hasOwn(commands, name)) throw usageError(`unknown command "${name}"`);
  const spec = commands[name as keyof typeof commands];
  for (const flag of commandFlags) {
    if (values[flag] && !(spec.flags as readonly string[]).includes(flag)) {
      throw usageError(`--${flag} does not apply to ${name}`);
    }
  }
  const required = spec.args.filter((arg) => !arg.endsWith('?'));
  if (args.length < required.length || args.length > spec.args.length) {
    const expected = spec.args.map((arg) => (arg.endsWith('?') ? `[${arg.slice(0, -1)}]` : `<${arg}>`));
    throw usageError(`usage: runner-autoscaler ${[name, ...expected].join(' ')}`);
  }
  return { command: toCommand(name as keyof typeof commands, args, values), connection };
}

function toCommand(
  name: keyof typeof commands,
  [first, second]: string[],
  values: { json?: boolean; busy?: boolean },
): Command {
  switch (name) {
    case 'apply':
      return { name, file: first };
    case 'status':
      return { name, flavor: first, json: Boolean(values.json) };
    case 'fallback':
      if (!/^\d+$/.test(second)) throw usageError(`<n> must be a whole number, got "${second}"`);
      return { name, flavor: first, count: Number(second) };
    case 'flush':
      return { name, flavor: first, busy: Boolean(values.busy) };
    case 'stop':
      return { name, flavor: first };
  }
}
