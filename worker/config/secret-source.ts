import { readFileSync, statSync } from 'node:fs';

/** A secret as read, and when its content was read (ISO time). */
export interface SecretReading {
  value: string;
  readAt: string;
}

/** Where a secret comes from and when the reading in use was made: for /health and the state, never the value. */
export interface SecretStatus {
  source: 'env' | 'file';
  /** Absent while a file's secret has not been used yet. */
  readAt?: string;
  /** Why the last use could not read the file (it names the file); gone after the next good read. */
  error?: string;
}

/**
 * A secret of the worker, read where it is used (the planner's connect, each GitHub request, each webhook
 * delivery) so that a rotated file takes effect without a restart.
 */
export interface SecretSource {
  /** The secret as it is now; throws a SecretUnavailableError naming the file when it cannot be read. */
  read(): SecretReading;
  status(): SecretStatus;
  /** Every value read so far, the current one last: the log redactor's list. */
  values(): string[];
}

/** A secret file that is gone, unreadable or empty at use; the message names the field and the file. */
export class SecretUnavailableError extends Error {
  override readonly name = 'SecretUnavailableError';
}

export const unreadableFile = (field: string, path: string, err: unknown) =>
  `${field}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
export const emptyFile = (field: string, path: string) => `${field}: file ${path} is empty`;

/**
 * The loader's reading of one secret at start (load.ts): the environment's value if set, else the file's
 * content; undefined, with the problem noted, when the file is unreadable or empty. `field` names it.
 */
export type SecretReader = (
  field: string,
  fromEnv: string | undefined,
  filePath: string | undefined,
) => string | undefined;

/** A value from the environment: it cannot change under a running process. */
export function environmentSecret(value: string, now: () => Date = () => new Date()): SecretSource {
  const reading = { value, readAt: now().toISOString() };
  return { read: () => reading, status: () => ({ source: 'env', readAt: reading.readAt }), values: () => [value] };
}

export interface FileSecretOptions {
  /** Named in errors, e.g. `github.tokenFile`. */
  field: string;
  now?: () => Date;
  /** node:fs's by default; a test counts the content reads with its own. */
  readFile?: (path: string) => string;
}

/**
 * A value from a file, re-read when the file changes. Each use costs one stat(); the content is read again
 * only when the inode, size, mtime or ctime differ from the last read's (ctime too, for a rewrite that keeps
 * size and mtime, as `cp -p` of a same-length token does; the inode, for the atomic rename Kubernetes
 * uses to update a mounted secret). Content read after the stat is at least as new as the stat, so a
 * change in between costs one more read, never a stale value.
 *
 * A file that is gone, unreadable or empty at use fails that use; the last good value is not kept.
 * Keeping it would hide a secret deleted on purpose, and the old token it holds is the one a rotation
 * revokes. The brief truncate-then-write window of an in-place edit fails one attempt: an activity retries
 * it, a webhook delivery answered 503 shows as failed on GitHub's page, to redeliver. Rotate by rename
 * (write a new file, move it over the old one) and no use ever sees a partial file.
 */
export function fileSecret(path: string, options: FileSecretOptions): SecretSource {
  const { field, now = () => new Date(), readFile = (file: string) => readFileSync(file, 'utf8') } = options;
  let last: { version: string; reading: SecretReading } | undefined;
  let error: string | undefined;
  const seen = new Set<string>();
  const current = (): SecretReading => {
    const version = versionOf(path, field);
    if (last?.version === version) return last.reading;
    let text: string;
    try {
      text = readFile(path).trim();
    } catch (err) {
      throw new SecretUnavailableError(unreadableFile(field, path, err));
    }
    if (!text) throw new SecretUnavailableError(emptyFile(field, path));
    last = { version, reading: { value: text, readAt: now().toISOString() } };
    seen.delete(text);
    seen.add(text);
    return last.reading;
  };
  return {
    read() {
      try {
        const reading = current();
        error = undefined;
        return reading;
      } catch (err) {
        error = (err as Error).message;
        throw err;
      }
    },
    status: () => ({ source: 'file', readAt: last?.reading.readAt, ...(error && { error }) }),
    values: () => [...seen],
  };
}

function versionOf(path: string, field: string): string {
  try {
    const { ino, size, mtimeMs, ctimeMs } = statSync(path);
    return `${ino}:${size}:${mtimeMs}:${ctimeMs}`;
  } catch (err) {
    throw new SecretUnavailableError(unreadableFile(field, path, err));
  }
}
