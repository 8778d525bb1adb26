import { request } from 'undici';
import { startOpenStackSimulator, type OpenStackSimulator } from '../../simulators/openstack';
import { issueToken } from './support';

/**
 * `POST /servers` refused as Nova refuses it (its JSON schema per microversion, then the controller's
 * checks), with Nova's error body. Each case is a body the client could get wrong.
 */

let sim: OpenStackSimulator;
let token: string;
beforeAll(async () => {
  sim = await startOpenStackSimulator({ bootDelayMs: 60_000 });
  ({ token } = await issueToken(sim));
});
afterAll(() => sim.close());

const good = () => ({
  name: 'runner-1',
  imageRef: sim.images[0].id,
  flavorRef: '2',
  networks: [{ uuid: sim.networks[0].id }],
  metadata: { 'runner-autoscaler': 'autoscaler', 'runner-flavor': 'small' },
  security_groups: [{ name: 'default' }],
  key_name: 'ops',
  user_data: Buffer.from('#!/bin/sh\n').toString('base64'),
});

async function create(server: unknown, microversion = '2.79', raw?: string) {
  const response = await request(`${sim.baseUrl}/compute/v2.1/servers`, {
    method: 'POST',
    headers: {
      'x-auth-token': token,
      'content-type': 'application/json',
      'openstack-api-version': `compute ${microversion}`,
    },
    body: raw ?? JSON.stringify({ server }),
  });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

const badRequest = (message: string) => ({ status: 400, body: { badRequest: { code: 400, message } } });
const INVALID_NAME =
  "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.";

test('the body the client sends is accepted', async () => {
  expect((await create(good())).status).toBe(202);
  expect((await create({ ...good(), name: 'Ωmega runner 1' })).status).toBe(202);
});

test.each([
  ['a leading space', ' runner-1'],
  ['a trailing space', 'runner-1 '],
  ['a trailing no-break space', 'runner-1\u00a0'],
  ['a tab', 'runner\t1'],
  ['a character beyond U+FFFF', 'runner-😀'],
])('a server name with %s is refused', async (_, name) => {
  expect(await create({ ...good(), name })).toEqual(badRequest(INVALID_NAME));
});

test.each([
  ['an empty name', { name: '' }, "Invalid input for field/attribute name. Value: . '' should be non-empty"],
  [
    'a name over 255 characters',
    { name: 'r'.repeat(256) },
    `Invalid input for field/attribute name. Value: ${'r'.repeat(256)}. '${'r'.repeat(256)}' is too long`,
  ],
  [
    'a name that is a number',
    { name: 7 },
    "Invalid input for field/attribute name. Value: 7. 7 is not of type 'string'",
  ],
  [
    'a metadata key outside [a-zA-Z0-9-_:. ]',
    { metadata: { 'runner/flavor': 'small' } },
    "Invalid input for field/attribute metadata. Value: {'runner/flavor': 'small'}. " +
      "'runner/flavor' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'",
  ],
  [
    'an empty metadata key',
    { metadata: { '': 'x' } },
    "Invalid input for field/attribute metadata. Value: {'': 'x'}. " +
      "'' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'",
  ],
  [
    'a metadata key over 255 characters',
    { metadata: { ['k'.repeat(256)]: 'x' } },
    `Invalid input for field/attribute metadata. Value: {'${'k'.repeat(256)}': 'x'}. ` +
      `'${'k'.repeat(256)}' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'`,
  ],
  [
    'a metadata value over 255 characters',
    { metadata: { flavor: 'v'.repeat(256) } },
    `Invalid input for field/attribute flavor. Value: ${'v'.repeat(256)}. '${'v'.repeat(256)}' is too long`,
  ],
  [
    'a metadata value that is a number',
    { metadata: { count: 3 } },
    "Invalid input for field/attribute count. Value: 3. 3 is not of type 'string'",
  ],
  [
    'metadata as a list',
    { metadata: ['a'] },
    "Invalid input for field/attribute metadata. Value: ['a']. ['a'] is not of type 'object'",
  ],
  [
    'security groups as names',
    { security_groups: ['default'] },
    "Invalid input for field/attribute 0. Value: default. 'default' is not of type 'object'",
  ],
  [
    'a security group with another key',
    { security_groups: [{ id: 'default' }] },
    "Invalid input for field/attribute 0. Value: {'id': 'default'}. Additional properties are not allowed ('id' was unexpected)",
  ],
  [
    'a security group that is not a list',
    { security_groups: { name: 'default' } },
    "Invalid input for field/attribute security_groups. Value: {'name': 'default'}. {'name': 'default'} is not of type 'array'",
  ],
  [
    'an image id that is not a uuid',
    { imageRef: 'ubuntu-24.04' },
    "Invalid input for field/attribute imageRef. Value: ubuntu-24.04. 'ubuntu-24.04' is not valid under any of the given schemas",
  ],
  [
    'a flavor ref that is an object',
    { flavorRef: { id: '2' } },
    "Invalid input for field/attribute flavorRef. Value: {'id': '2'}. {'id': '2'} is not of type 'string', 'integer'",
  ],
  [
    'a network uuid that is not a uuid',
    { networks: [{ uuid: 'runners-net' }] },
    "Invalid input for field/attribute networks. Value: [{'uuid': 'runners-net'}]. " +
      "[{'uuid': 'runners-net'}] is not valid under any of the given schemas",
  ],
  ['a key name with a trailing space', { key_name: 'ops ' }, INVALID_NAME],
  [
    'user data that is not base64',
    { user_data: 'Y' },
    "Invalid input for field/attribute user_data. Value: Y. 'Y' is not a 'base64'",
  ],
  [
    'a field Nova does not know',
    { colour: 'blue' },
    expect.stringMatching(
      /^Invalid input for field\/attribute server\. Value: \{'name': 'runner-1', .*\}\. Additional properties are not allowed \('colour' was unexpected\)$/,
    ),
  ],
])('%s is refused', async (_, change, message) => {
  expect(await create({ ...good(), ...change })).toEqual(badRequest(message as string));
});

test('fields depend on the microversion: networks required from 2.37, description from 2.19, tags from 2.52', async () => {
  const withoutNetworks: Partial<ReturnType<typeof good>> = good();
  delete withoutNetworks.networks;
  expect((await create(withoutNetworks, '2.36')).status).toBe(202);
  expect((await create(withoutNetworks, '2.37')).body).toEqual({
    badRequest: { code: 400, message: expect.stringContaining("'networks' is a required property") },
  });
  expect((await create({ ...good(), networks: 'none' }, '2.37')).status).toBe(202);
  expect((await create({ ...good(), networks: 'some' }, '2.37')).status).toBe(400);
  expect((await create({ ...good(), description: 'ci' }, '2.18')).status).toBe(400);
  expect((await create({ ...good(), description: 'ci' }, '2.19')).status).toBe(202);
  expect((await create({ ...good(), tags: ['ci'] }, '2.51')).status).toBe(400);
  expect((await create({ ...good(), tags: ['ci'] }, '2.52')).status).toBe(202);
  expect((await create({ ...good(), tags: ['c,i'] }, '2.52')).status).toBe(400);
});

test("what the schema lets through, Nova's controller and compute API still check", async () => {
  expect(await create({ ...good(), imageRef: '00000000-0000-4000-8000-000000000000' })).toEqual(
    badRequest('Can not find requested image'),
  );
  expect(await create({ ...good(), flavorRef: '99' })).toEqual(badRequest('Flavor 99 could not be found.'));
  expect(await create({ ...good(), networks: [{ uuid: '00000000-0000-4000-8000-000000000000' }] })).toEqual(
    badRequest('Network 00000000-0000-4000-8000-000000000000 could not be found.'),
  );
  const metadata = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, 'v']));
  expect(await create({ ...good(), metadata })).toEqual({
    status: 403,
    body: { forbidden: { code: 403, message: 'Maximum number of metadata items exceeds 128' } },
  });
  expect(await create(undefined, '2.79', '{"server": ')).toEqual(badRequest('Malformed request body'));
  expect(await create(undefined, '2.79', '{}')).toEqual(badRequest("'server' is a required property"));
});
