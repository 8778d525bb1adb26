import { createRedactor } from '../../activities/redact';
import { namedCredentials } from './github-credentials';
import type { WorkerConfig } from './load';
import { environmentSecret, fileSecret, type SecretSource, type SecretStatus } from './secret-source';

/**
 * The secrets the worker reads at use: the planner token (at each connect), each GitHub token (at each
 * request) or App key (its app auth made again when the file changes), and the webhook secret (at each
 * delivery). One source each, shared by every user of that secret and by /health.
 */
export interface WorkerSecrets {
  planner?: SecretSource;
  /** One per GitHub credential, in the configuration's order, named as namedCredentials names it. */
  github: { name: string; source: SecretSource }[];
  webhook?: SecretSource;
}

/** The configuration's files were checked once at start (load.ts); from here on, each use reads them. */
export function workerSecrets(config: WorkerConfig, now: () => Date = () => new Date()): WorkerSecrets {
  const source = (value: string, file: string | undefined, field: string) =>
    file ? fileSecret(file, { field, now }) : environmentSecret(value, now);
  return {
    planner: config.planner && source(config.planner.token, config.planner.tokenFile, 'planner.tokenFile'),
    github: namedCredentials(config.github.auth).map(({ name, auth }) => ({
      name,
      source:
        auth.kind === 'token'
          ? source(auth.token, auth.tokenFile, `${name}.tokenFile`)
          : source(auth.privateKey, auth.privateKeyFile, `${name}.app.privateKeyFile`),
    })),
    webhook: config.intake && source(config.intake.secret, config.intake.secretFile, 'intake.secretFile'),
  };
}

/** Every source by its name: `planner`, each GitHub credential's (`github`, or `github.credentials.<n>`), `webhook`. */
function namedSources({ planner, github, webhook }: WorkerSecrets): [string, SecretSource][] {
  const named: [string, SecretSource | undefined][] = [
    ['planner', planner],
    ...github.map(({ name, source }): [string, SecretSource] => [name, source]),
    ['webhook', webhook],
  ];
  return named.filter((entry): entry is [string, SecretSource] => entry[1] !== undefined);
}

/** `/health`'s `secrets`: each configured secret's source and when the reading in use was made. */
export function secretsStatus(secrets: WorkerSecrets): Record<string, SecretStatus> {
  return Object.fromEntries(namedSources(secrets).map(([name, source]) => [name, source.status()]));
}

/**
 * The log redactor: the worker's secrets as read at start and every value these sources have read since,
 * a rotated one included. A source's values only grow, so it is made again when their count does.
 */
export function secretRedactor(atStart: string[], secrets: WorkerSecrets): (text: string) => string {
  const sources = namedSources(secrets).map(([, source]) => source);
  let known = -1;
  let redact = createRedactor(atStart);
  return (text) => {
    const count = sources.reduce((sum, source) => sum + source.values().length, 0);
    if (count !== known) {
      known = count;
      redact = createRedactor([...atStart, ...sources.flatMap((source) => source.values())]);
    }
    return redact(text);
  };
}
