import { request } from 'undici';
import type { OpenStackError } from '../../activities/openstack';
import type { OpenStackSimulator } from '../../simulators/openstack';

/** A token for the simulator's default user, asked for by hand, as another client of the cloud would. */
export async function issueToken(sim: OpenStackSimulator): Promise<{ token: string; body: unknown }> {
  const response = await request(`${sim.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'autoscaler', domain: { name: 'Default' }, password: 'simulated-password' } },
        },
        scope: { project: { name: 'runners', domain: { id: 'default' } } },
      },
    }),
  });
  if (response.statusCode !== 201) throw new Error(`token request answered ${response.statusCode}`);
  return { token: response.headers['x-subject-token'] as string, body: await response.body.json() };
}

/** The error a promise is rejected with; a test failure when it resolves. */
export function rejection(promise: Promise<unknown>): Promise<OpenStackError> {
  return promise.then(
    () => Promise.reject(new Error('expected a failure')),
    (err) => err,
  );
}
