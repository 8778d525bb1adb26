import type { GitHubSimulatorStats } from './types';
import type { RunnerStore } from './runners';

type Entry = GitHubSimulatorStats['registrationRequests'][number];

/**
 * The journal entry of a JIT config request or a runner delete (undefined for any other request), to be
 * completed with its answer: the soak's evidence shows each registration's life from these.
 */
export function registrationEntry(
  runners: RunnerStore,
  key: string,
  params: Record<string, string | undefined>,
  body: unknown,
): Entry | undefined {
  const at = Date.now();
  if (key.startsWith('POST ') && key.endsWith('/actions/runners/generate-jitconfig')) {
    const name = (body as { name?: unknown } | undefined)?.name;
    return { kind: 'register', name: String(name), at };
  }
  if (key.startsWith('DELETE ') && key.endsWith('/actions/runners/{runner_id}')) {
    const id = Number(params.runnerId);
    const runner = runners.all().find((candidate) => candidate.id === id);
    return { kind: 'delete', name: runner?.name ?? `#${id}`, at };
  }
  return undefined;
}
