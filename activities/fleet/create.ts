import type { CreateRunnersResult, RunnerSpec } from '../../contracts/activities';
import { runnerLabels } from '../../policy/runner-labels';
import { errorMessage, mapConcurrent } from './concurrency';
import { markCreate } from '../trace';
import type { FleetOptions } from './options';
import type { Compute, RunnerRegistry } from './ports';
import { renderUserData } from './user-data';

type Outcome = { name: string; created: true } | { name: string; created: false; reason: string };

/**
 * Creates each named runner: a just-in-time registration, then a VM whose user data carries it. The
 * usual path makes two POSTs and lists nothing. A name GitHub already knows means an earlier attempt
 * (a retry, or another worker after a crash) got this far: then, and only then, Nova is asked whether
 * that VM exists; if so it counts as created, and no second VM is made. A failed VM create looks the
 * same way before it gives the registration up. `errors` collects each failure as thrown (never in the
 * result: the activity maps the first to its failure type when nothing was made).
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
  let registration: Awaited<ReturnType<typeof register>>;
  try {
    registration = await register();
  } catch (err) {
    if ((err as { kind?: unknown }).kind !== 'runner-name-taken') throw err;
    if (await compute.findServerByName(name)) return { name, created: true };
    // Registered by an attempt that died before its VM: replace that registration.
    const stale = await registry.findRunner(name);
    if (stale && (await registry.deleteRunner(stale.id)) === 'busy') return { name, created: true };
    registration = await register();
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
    // A lost answer may hide a VM that was made: look before giving up, or a retry would make a twin.
    const vm = await compute.findServerByName(name).catch(() => 'unknown' as const);
    // Unknown: keep the registration, so that the retry's 409 looks again instead of making a twin.
    if (vm === 'unknown') throw err;
    if (vm) return { name, created: true };
    // Only a clear refusal (4xx) means no VM will ever use this registration. After a 5xx or a lost
    // connection Nova may still make the VM: keep the registration for the retry's 409 to find it.
    if (!refusedByCloud(err)) throw err;
    await registry.deleteRunner(registration.runnerId).catch(() => undefined);
    throw err;
  }
  return { name, created: true };
}

function refusedByCloud(err: unknown): boolean {
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Every VM carries who manages it and for which flavor; lists filter on both, not on a name prefix. */
export function ownershipMetadata(managerId: string, flavor: string): Record<string, string> {
  return { 'runner-autoscaler': managerId, 'runner-flavor': flavor };
}
