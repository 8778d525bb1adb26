import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { useFlavorHarness } from '../support/flavor-harness';
import { cliOf, runCli } from './support';

const harness = useFlavorHarness();
let cli: ReturnType<typeof cliOf>;
beforeAll(() => {
  cli = cliOf(harness);
});

describe('a flavor without a running workflow', () => {
  const commands = [['status'], ['fallback', '1'], ['flush'], ['stop']];

  test.each(commands)('%s: says so and exits 1', async (command, ...rest) => {
    const result = await cli(command, 'nosuchflavor', ...rest);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: 'no running workflow for flavor "nosuchflavor"\n' });
  });

  test('a flavor whose workflow has ended counts as not running', async () => {
    const { flavor, handle } = await harness.startFlavor({ mode: 'static' });
    await handle.terminate('test: an ended flavor');
    const result = await cli('fallback', flavor, '1');
    expect(result).toMatchObject({ code: 1, stderr: `no running workflow for flavor "${flavor}"\n` });
  });
});

describe('usage errors print the usage and exit 2', () => {
  test.each([
    [[], 'missing command'],
    [['launch'], 'unknown command "launch"'],
    [['fallback', 'small'], 'usage: runner-autoscaler fallback <flavor> <n>'],
    [['fallback', 'small', 'many'], '<n> must be a whole number, got "many"'],
    [['status', '--busy'], '--busy does not apply to status'],
    [['stop', 'small', '--frobnicate'], "Unknown option '--frobnicate'"],
  ])('%j', async (args, problem) => {
    const result = await runCli(args);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain(problem);
    expect(result.stderr).toContain('usage: runner-autoscaler [options] <command>');
  });

  test('--help prints it on stdout and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('usage: runner-autoscaler [options] <command>');
  });
});

describe('an unreachable Temporal', () => {
  /** A port that was just free: nothing listens on it any more. */
  async function closedPort(): Promise<number> {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  test('is one clear line and exit 2, from the flag or from TEMPORAL_ADDRESS', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    for (const result of [
      await runCli(['status', '--address', address]),
      await runCli(['status'], { TEMPORAL_ADDRESS: address }),
    ]) {
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(new RegExp(`^cannot reach Temporal at ${address}: .+\\n$`));
    }
  });

  test('a TLS file that cannot be read is named, exit 2', async () => {
    const result = await runCli(['status', '--address', harness.env.address], {
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/nonexistent/ca.pem',
    });
    expect(result).toMatchObject({
      code: 2,
      stderr: 'cannot read the Temporal TLS file /nonexistent/ca.pem (ENOENT)\n',
    });
  });
});

test('the npm bin runs the CLI from any working directory', async () => {
  const bin = path.resolve(__dirname, '..', '..', 'bin', 'runner-autoscaler.js');
  const { stdout } = await promisify(execFile)(process.execPath, [bin, '--help'], { cwd: tmpdir() });
  expect(stdout).toContain('usage: runner-autoscaler [options] <command>');
});
