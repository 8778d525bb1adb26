import { mkdtempSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  environmentSecret,
  fileSecret,
  SecretUnavailableError,
  type SecretSource,
} from '../../worker/config/secret-source';

/** Secret sources over real files: read at use, the content again only when the file changed. */
const dir = mkdtempSync(path.join(tmpdir(), 'secret-source-'));
let clock = Date.parse('2026-01-02T03:04:05.000Z');
/** Each reading gets its own second, so readAt tells readings apart. */
const now = () => new Date((clock += 1000));

function counted(file: string): { source: SecretSource; contentReads: () => number } {
  let reads = 0;
  const readFile = (target: string) => {
    reads += 1;
    return readFileSync(target, 'utf8');
  };
  return { source: fileSecret(file, { field: 'github.tokenFile', now, readFile }), contentReads: () => reads };
}

function unavailable(source: SecretSource): SecretUnavailableError {
  try {
    source.read();
  } catch (err) {
    expect(err).toBeInstanceOf(SecretUnavailableError);
    return err as SecretUnavailableError;
  }
  throw new Error('the secret was read');
}

test('a value from the environment is fixed, and says when it was read', () => {
  const source = environmentSecret('env-token', () => new Date('2026-01-01T00:00:00.000Z'));
  expect(source.read()).toEqual({ value: 'env-token', readAt: '2026-01-01T00:00:00.000Z' });
  expect(source.status()).toEqual({ source: 'env', readAt: '2026-01-01T00:00:00.000Z' });
  expect(source.values()).toEqual(['env-token']);
});

test('a file is read at first use, and its content not again while it is unchanged', () => {
  const file = path.join(dir, 'unchanged');
  writeFileSync(file, 'token-one\n');
  const { source, contentReads } = counted(file);
  expect(source.status()).toEqual({ source: 'file', readAt: undefined });
  const first = source.read();
  expect(first.value).toBe('token-one');
  for (let i = 0; i < 100; i += 1) expect(source.read()).toBe(first);
  expect(contentReads()).toBe(1);
  expect(source.status()).toEqual({ source: 'file', readAt: first.readAt });
});

test('a rotation is read at the next use: written in place, or renamed over it', () => {
  const file = path.join(dir, 'rotated');
  writeFileSync(file, 'token-one');
  const { source, contentReads } = counted(file);
  const first = source.read();

  writeFileSync(file, 'token-two-longer');
  const second = source.read();
  expect(second.value).toBe('token-two-longer');
  expect(second.readAt > first.readAt).toBe(true);

  // Same length, same mtime: as a rename (a Kubernetes secret update) or `cp -p` may leave them.
  const { mtime } = statSync(file);
  writeFileSync(path.join(dir, 'rotated.new'), 'token-333-longer');
  utimesSync(path.join(dir, 'rotated.new'), mtime, mtime);
  renameSync(path.join(dir, 'rotated.new'), file);
  expect(source.read().value).toBe('token-333-longer');
  writeFileSync(file, 'token-444-longer');
  utimesSync(file, mtime, mtime);
  expect(source.read().value).toBe('token-444-longer');

  expect(contentReads()).toBe(4);
  expect(source.values()).toEqual(['token-one', 'token-two-longer', 'token-333-longer', 'token-444-longer']);
});

test('a file gone or empty at use fails that use, naming it, and the next good read recovers', () => {
  const file = path.join(dir, 'flaky');
  writeFileSync(file, 'token-good');
  const { source } = counted(file);
  const good = source.read();

  rmSync(file);
  const gone = unavailable(source);
  expect(gone.message).toBe(`github.tokenFile: cannot read ${file} (ENOENT)`);
  expect(source.status()).toEqual({ source: 'file', readAt: good.readAt, error: gone.message });

  writeFileSync(file, '  \n');
  expect(unavailable(source).message).toBe(`github.tokenFile: file ${file} is empty`);

  writeFileSync(file, 'token-good');
  expect(source.read().value).toBe('token-good');
  expect(source.status()).toEqual({ source: 'file', readAt: expect.any(String) });
  expect(JSON.stringify(source.status())).not.toContain('token-good');
});
