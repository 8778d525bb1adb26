/**
 * The labels of a flavor's runners, and whether a job fits them: the one definition that the
 * registration (the JIT config's labels) and the routing of jobs (reactive mode, the webhook intake)
 * share, so that a job routed to a flavor is one its runners take. Pure: the workflow bundle imports it.
 */

/**
 * GitHub gives a just-in-time runner only the labels its registration names, none of the defaults that
 * `config.sh` adds (self-hosted, the OS, the architecture): a job asking for `self-hosted` would
 * otherwise never be taken. So every registration asks for them itself.
 */
function implicitRunnerLabels(architecture: string): string[] {
  return ['self-hosted', 'linux', architecture];
}

/**
 * What a flavor's runner registers with: the implicit labels, then the flavor's own, each once. GitHub
 * matches labels ignoring case, so `Linux` and `linux` are one label; the first spelling is kept.
 */
export function runnerLabels(flavorLabels: readonly string[], architecture: string): string[] {
  const seen = new Set<string>();
  return [...implicitRunnerLabels(architecture), ...flavorLabels].filter((label) => {
    const key = label.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** GitHub's rule: a runner can take a job when it carries every label the job asks for, ignoring case. */
export function labelsFitJob(labels: readonly string[], jobLabels: readonly string[]): boolean {
  const carried = new Set(labels.map((label) => label.toLowerCase()));
  return jobLabels.every((label) => carried.has(label.toLowerCase()));
}
