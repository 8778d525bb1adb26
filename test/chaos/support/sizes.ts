/**
 * How big and long the chaos scenarios are: short inside `npm test` (CI), full under `npm run chaos`
 * (CHAOS_FULL=1). The one place that chooses.
 */
export const full = process.env.CHAOS_FULL === '1';
export const variant = full ? 'full' : 'short';

export const sizes = full
  ? {
      /** Scenario 1: the burst the worker is killed in. */
      killBurst: 50,
      /** Scenario 2: how long the Temporal server stays down. */
      serverDownSeconds: 60,
      /** Scenario 3: the planner's outage phases and the flavor's reconnect backoff. */
      planner: {
        downSeconds: 180,
        flappingSeconds: 60,
        unauthorizedSeconds: 40,
        notFoundSeconds: 40,
        backoffInitialSeconds: 1,
        backoffMaxSeconds: 8,
      },
      /** Scenario 4: faults per OpenStack burst, then random mixed faults for a while, then Nova timeouts (30 s each). */
      cloud: { burst: 10, mixedSeconds: 60, novaTimeouts: true },
    }
  : {
      killBurst: 20,
      serverDownSeconds: 5,
      planner: {
        downSeconds: 8,
        flappingSeconds: 6,
        unauthorizedSeconds: 5,
        notFoundSeconds: 5,
        backoffInitialSeconds: 0.5,
        backoffMaxSeconds: 2,
      },
      cloud: { burst: 3, mixedSeconds: 0, novaTimeouts: false },
    };

/** A jest timeout for a scenario that takes about `seconds` when all goes well. */
export const timeoutFor = (seconds: number): number => (seconds * 2 + 120) * 1000;
