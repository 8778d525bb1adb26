import { renderUserData } from '../../activities/fleet/user-data';
import { jitConfigFromUserData } from '../../simulators/vm-boot';

describe('user data', () => {
  test('carries the JIT config for the runner and nothing else of it', () => {
    const userData = renderUserData('eyJzZWNyZXQiOiJ4In0=');
    expect(userData).toContain("./run.sh --jitconfig 'eyJzZWNyZXQiOiJ4In0='");
    expect(jitConfigFromUserData(userData)).toBe('eyJzZWNyZXQiOiJ4In0=');
  });

  test('refuses a config that is not base64 (it would break out of the quotes)', () => {
    expect(() => renderUserData("x'; rm -rf /")).toThrow('a JIT config must be base64');
  });
});
