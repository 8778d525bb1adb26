import { namedCredentials } from '../config/github-credentials';
import type { WorkerConfig } from '../config/load';

/**
 * The worker's own secrets, verbatim, for the log redactor: the planner token, each GitHub token or App
 * key, the OpenStack password or application-credential secret, the Temporal API key and the webhook
 * intake's secret. JIT configs are not known in advance; the redactor's shapes (long base64 runs)
 * catch them.
 */
export function secretsOf(config: WorkerConfig): string[] {
  const { credentials } = config.openstack;
  return [
    config.planner?.token,
    ...namedCredentials(config.github.auth).map(({ auth }) => (auth.kind === 'token' ? auth.token : auth.privateKey)),
    credentials.authType === 'password' ? credentials.password.reveal() : credentials.secret.reveal(),
    config.temporal.apiKey,
    config.intake?.secret,
  ].filter((secret): secret is string => Boolean(secret));
}
