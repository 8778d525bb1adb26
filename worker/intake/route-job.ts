import { supportsJobLabels } from '../../policy/reactive';
import type { FlavorSettings } from '../../contracts/settings';

/**
 * The flavor whose runners can take a job with these labels: among the reactive flavors, in the order
 * given (the flavors file's), the first that supports them by the workflow's own rule (its labels, with
 * self-hosted, linux and its architecture, in any case). A job without labels is nobody's: it asks for
 * no self-hosted runner.
 */
export function routeJob<T extends Pick<FlavorSettings, 'mode' | 'labels' | 'architecture'>>(
  jobLabels: readonly string[],
  flavors: readonly T[],
): T | undefined {
  if (jobLabels.length === 0) return undefined;
  return flavors.find(
    (flavor) => flavor.mode === 'reactive' && supportsJobLabels([...jobLabels], flavor.labels, flavor.architecture),
  );
}
