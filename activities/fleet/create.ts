import type { CreateRunnersResult, RunnerSpec } from '../../contracts/activities';
import { runnerLabels } from '../../policy/runner-labels';
import { errorMessage, mapConcurrent } from './concurrency';
import { markCreate } from '../trace';
import type { FleetOptions } from './options';
import type { Compute, RunnerRegistry } from './ports';
import { renderUserData } from './user-data';

type Outcome = { name: string; created: true } | { name: string; created: false; reason: string };

/**
 * Creates each named runner: a just-in-time registration, then a VM whose user data carries it. A VM is
 * only ever asked for once under a name: Nova makes twins of one name without a word, and a create
 * whose answer never came may still be carried out, late. So:
 * - Nova is asked for the name beside the registration (in parallel: no added latency, one GET per
 *   runner). A create is carried out again when its workflow task was lost (a worker killed before
 *   its result was recorded, or cut off from Temporal); by then the first VM's runner may have run its
 *   job and deregistered, so GitHub takes the name afresh, and only Nova still knows it (soak seed 42
 *   made twins so). A VM found means the name is served: the new registration goes.
 * - A failed VM create looks for the VM before it gives up. When Nova answered (a refusal, a 500 or a
 *   503) and made nothing, the registration goes and a retry starts afresh; when no answer came (a
 *   timeout, a lost connection, a gateway's 502 or 504) the registration stays.
 * - A name GitHub already knows means an earlier attempt got that far (a retry, or another worker after
 *   a crash): Nova is asked again whether its VM exists, and if not, the name is given up rather than
 *   asked for again; the next cleanup tick removes the lone registration, or finds it paired with the
 *   late VM.
 * `errors` collects each failure as thrown (never in the result: the activity maps the first to its
 * failure type when nothing was made).
 */
export async function createRunners(
  deps: { compute: Compute; registry: RunnerRegistry; options: FleetOptions },
  spec: RunnerSpec,
  names: string[],
  cancelled?: AbortSignal,
  errors: unknown[] = [],
): Promise<CreateRunnersResult> {
  const outcomes = await mapConcurrent(names, deps.options.createConcurrency, (name) =>
    cancelled?.aborted
      ? Promise.resolve<Outcome>({ name, created: false, reason: 'not started: the attempt was cancelled' })
      : createOne(deps, spec, name).catch((err): Outcome => {
          errors.push(err);
          return { name, created: false, reason: errorMessage(err) };
        }),
  );
  return {
    created: outcomes.filter((o) => o.created).map((o) => o.name),
    failed: outcomes.flatMap((o) => (o.created ? [] : [{ name: o.name, reason: o.reason }])),
  };
}

async function createOne(
  { compute, registry, options }: { compute: Compute; registry: RunnerRegistry; options: FleetOptions },
  spec: RunnerSpec,
  name: string,
): Promise<Outcome> {
  const labels = runnerLabels(spec.labels, spec.architecture);
  const register = () => registry.generateJitConfig({ name, labels, runnerGroup: options.runnerGroup });
  // Unknown when Nova does not answer: the create goes on, as it would have without the look.
  const made = compute.findServerByName(name).catch(() => undefined);
  let registration: Awaited<ReturnType<typeof register>>;
  try {
    registration = await register();
  } catch (err) {
    if ((err as { kind?: unknown }).kind !== 'runner-name-taken') throw err;
    // Looked at again unless already found: the first look may predate a VM Nova made late.
    if ((await made) ?? (await compute.findServerByName(name))) return { name, created: true };
    // An earlier attempt registered the name and may have asked for its VM, which Nova can still make.
    return { name, created: false, reason: GIVEN_UP };
  }
  if (await made) {
    await registry.deleteRunner(registration.runnerId).catch(() => undefined);
    return { name, created: true };
  }
  markCreate('registered');
  const userData = renderUserData(registration.encodedJitConfig, options.boot);
  markCreate('user-data-rendered');
  try {
    await compute.createServer({
      name,
      image: spec.image,
      flavor: spec.openstackFlavor,
      network: spec.network,
      userData,
      metadata: ownershipMetadata(options.managerId, spec.flavor),
      securityGroups: options.securityGroups,
      keyName: options.keyName,
    });
  } catch (err) {
    // A lost answer may hide a VM that was made: look before giving up.
    const vm = await compute.findServerByName(name).catch(() => 'unknown' as const);
    // Unknown: keep the registration, so that the retry's 409 looks again.
    if (vm === 'unknown') throw err;
    if (vm) return { name, created: true };
    // Nova answered and made nothing: no VM will ever use this registration, and a retry may start afresh.
    if (answeredForGood(err)) await registry.deleteRunner(registration.runnerId).catch(() => undefined);
    throw err;
  }
  return { name, created: true };
}

const GIVEN_UP = 'an earlier attempt registered this name and its VM may still be made: not asked for twice';

/**
 * Whether Nova's answer ended the request: a refusal (4xx), its own 500, or a 503 (not taken in). No
 * status (a timeout, a reset), a 502 or a 504 come from before Nova finished, or instead of its answer.
 */
function answeredForGood(err: unknown): boolean {
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && ((status >= 400 && status < 500) || status === 500 || status === 503);
}

/** Every VM carries who manages it and for which flavor; lists filter on both, not on a name prefix. */
export function ownershipMetadata(managerId: string, flavor: string): Record<string, string> {
  return { 'runner-autoscaler': managerId, 'runner-flavor': flavor };
}
