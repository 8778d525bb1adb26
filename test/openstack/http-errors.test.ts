import { statusError } from '../../activities/openstack/http';

test('a cloud error that echoes user data carries no JIT config onwards', () => {
  const jitConfig = Buffer.from(JSON.stringify({ secret: 'x'.repeat(200) })).toString('base64');
  const body = { badRequest: { message: `Invalid input for field/attribute user_data. Value: ${jitConfig}` } };
  const error = statusError(
    { method: 'POST', url: 'http://nova.example/v2.1/servers' },
    {
      status: 400,
      headers: {},
      body,
    },
  );
  expect(error.message).toContain('Invalid input for field/attribute user_data');
  expect(error.message).not.toContain(jitConfig.slice(0, 100));
  expect(error.message).toContain('[redacted]');
});
