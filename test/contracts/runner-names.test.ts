import { ownsRunnerName, runnerName, runnerSeq } from '../../contracts/runner-names';

describe('runner names', () => {
  test.each([
    ['foo-0', 'foo-0-7', 7],
    ['foo-0', 'foo-0-1-7', undefined],
    ['foo-0', 'foo-0-', undefined],
    ['foo-0', 'foo-0-07', undefined],
    ['foo-0', 'foo-00', undefined],
    ['foo', 'foo-0', 0],
    ['foo', 'bar-1', undefined],
  ])('prefix %s, name %s → seq %p', (prefix, name, seq) => {
    expect(runnerSeq(prefix, name)).toBe(seq);
    expect(ownsRunnerName(prefix, name)).toBe(seq !== undefined);
  });

  test('runnerName inverts runnerSeq', () => {
    expect(runnerSeq('small', runnerName('small', 42))).toBe(42);
  });
});
