import { z } from 'zod';

/**
 * The worker's configuration file (YAML). Secrets are never written into it: each is named by a file
 * path here or given by an environment variable (see load.ts), and lives only in the worker's memory.
 */
const nonEmpty = z.string().trim().min(1, 'must not be empty');
const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const port = z.number().int().min(0).max(65535);
const githubApp = z.strictObject({
  appId: z.number().int().positive(),
  installationId: z.number().int().positive(),
  privateKeyFile: nonEmpty,
});

export const workerConfigSchema = z.strictObject({
  managerId: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'must be lowercase letters, digits and dashes')
    .default('runner-autoscaler'),
  /** Over the temporal CLI's profile, under the environment; defaults from contracts/temporal-connection.ts. */
  temporal: z
    .strictObject({
      address: nonEmpty.optional(),
      namespace: nonEmpty.optional(),
      taskQueue: nonEmpty.optional(),
      apiKeyFile: nonEmpty.optional(),
      tls: z
        .strictObject({
          serverName: nonEmpty.optional(),
          caFile: nonEmpty.optional(),
          clientCertFile: nonEmpty.optional(),
          clientKeyFile: nonEmpty.optional(),
        })
        .optional(),
    })
    .default({}),
  planner: z.strictObject({ url: url.optional(), tokenFile: nonEmpty.optional() }).optional(),
  github: z
    .strictObject({
      apiUrl: url.default('https://api.github.com'),
      org: nonEmpty.optional(),
      repository: z
        .string()
        .regex(/^[^/\s]+\/[^/\s]+$/, 'must be owner/repo')
        .optional(),
      runnerGroup: nonEmpty.optional(),
      /**
       * The points per minute the client lets one endpoint spend: GitHub.com's secondary limit, 900, by
       * default (180 JIT registrations a minute). GitHub Enterprise Server has no such limit unless its
       * admin enables one: set it to that limit, so that creates are not held back for nothing.
       */
      endpointPointsPerMinute: z.number().int().min(5).optional(),
      tokenFile: nonEmpty.optional(),
      app: githubApp.optional(),
      /**
       * A pool instead of the one token or app: several credentials of the org or repository (PATs of
       * different users, Apps installed on it), each a tokenFile or an app. Calls spread over them by
       * the budget each has left (activities/github/pool.ts).
       */
      credentials: z
        .array(z.strictObject({ tokenFile: nonEmpty.optional(), app: githubApp.optional() }))
        .min(1, 'must list one credential or more')
        .optional(),
    })
    .optional(),
  openstack: z
    .strictObject({
      cloud: nonEmpty.optional(),
      securityGroups: z.array(nonEmpty).optional(),
      keyName: nonEmpty.optional(),
    })
    .optional(),
  runner: z.strictObject({ dir: nonEmpty, user: nonEmpty }).optional(),
  metrics: z.strictObject({ port: port.default(9464), host: nonEmpty.default('0.0.0.0') }).optional(),
  /** Reactive mode's webhook intake; its secret comes from GITHUB_WEBHOOK_SECRET or secretFile. */
  intake: z
    .strictObject({
      port: port.default(8080),
      host: nonEmpty.default('0.0.0.0'),
      path: z
        .string()
        .regex(/^\/[^\s?#]*$/, 'must be a path starting with /')
        .default('/webhook'),
      secretFile: nonEmpty.optional(),
      flavorsFile: nonEmpty,
    })
    .optional(),
});

export type WorkerConfigFile = z.infer<typeof workerConfigSchema>;
