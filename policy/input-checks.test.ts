import { checkFallbackRunners, checkJobMessage, checkPressure } from './input-checks';

describe('checkFallbackRunners', () => {
  test.each([
    [3, 0, true],
    [0, 0, true],
    [10, 10, true],
    [11, 10, false],
    [-1, 0, false],
    [1.5, 0, false],
    ['3', 0, false],
    [null, 0, false],
    [Number.NaN, 0, false],
    [Number.POSITIVE_INFINITY, 0, false],
    [{ n: 3 }, 0, false],
  ])('%p with max %i → ok=%p', (value, max, ok) => {
    expect(checkFallbackRunners(value, max).ok).toBe(ok);
  });

  test('the reason names the problem', () => {
    expect(checkFallbackRunners(11, 10)).toEqual({ ok: false, reason: 'fallbackRunners 11 is above maxRunners 10' });
    expect(checkFallbackRunners('x', 0)).toEqual({ ok: false, reason: 'fallbackRunners must be an integer, got "x"' });
  });
});

describe('checkPressure', () => {
  test.each([
    [0, true],
    [12, true],
    [-1, false],
    [2.5, false],
    ['4', false],
    [undefined, false],
  ])('%p → ok=%p', (value, ok) => {
    expect(checkPressure(value).ok).toBe(ok);
  });
});

describe('checkJobMessage', () => {
  const good = { jobId: 7, labels: ['small'], url: 'https://api.github.com/repos/o/r/actions/jobs/7' };
  test('a good message passes, copied', () => {
    expect(checkJobMessage(good)).toEqual({ ok: true, value: good });
  });
  test.each([
    [null, 'job must be an object'],
    ['7', 'job must be an object'],
    [{ ...good, jobId: 0 }, 'jobId must be a positive integer'],
    [{ ...good, jobId: 1.5 }, 'jobId must be a positive integer'],
    [{ ...good, labels: 'small' }, 'labels must be a list of strings'],
    [{ ...good, labels: [3] }, 'labels must be a list of strings'],
    [{ ...good, url: '' }, 'url must be a job URL'],
  ])('%j is refused: %s', (value, reason) => {
    const checked = checkJobMessage(value);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.reason).toContain(reason);
  });
});
