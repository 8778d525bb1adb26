import { parsePressureLine } from '../../activities/planner/pressure-line';

describe('parsePressureLine', () => {
  test.each([
    ['{"small": 3}', 'small', 3],
    ['{"small":0}', 'small', 0],
    ['  {"small": 7}  ', 'small', 7],
    ['{"small": 3, "large": 9}', 'large', 9],
    ['{"small": 3.0}', 'small', 3],
    ['{"small": 1e3}', 'small', 1000],
    ['{"small": -0}', 'small', 0],
    ['{"small": 9007199254740991}', 'small', Number.MAX_SAFE_INTEGER],
    ['{"gpu/a100 größe": 2}', 'gpu/a100 größe', 2],
    ['{"__proto__": 4}', '__proto__', 4],
    ['{"small": 1, "small": 5}', 'small', 5],
  ])('%s for %s → %d', (line, flavor, pressure) => {
    expect(parsePressureLine(line, flavor)).toEqual({ ok: true, pressure });
  });

  test.each([
    ['', 'small', 'malformed-json'],
    ['{"small": 3', 'small', 'malformed-json'],
    ['{small: 3}', 'small', 'malformed-json'],
    ['{"small": NaN}', 'small', 'malformed-json'],
    ['{"small": Infinity}', 'small', 'malformed-json'],
    ["{'small': 3}", 'small', 'malformed-json'],
    ['[3]', 'small', 'not-an-object'],
    ['3', 'small', 'not-an-object'],
    ['"small"', 'small', 'not-an-object'],
    ['null', 'small', 'not-an-object'],
    ['{}', 'small', 'missing-flavor'],
    ['{"large": 3}', 'small', 'missing-flavor'],
    ['{"Small": 3}', 'small', 'missing-flavor'],
    ['{"small": 3}', 'constructor', 'missing-flavor'],
    ['{"small": 3}', '__proto__', 'missing-flavor'],
    ['{"small": -1}', 'small', 'not-a-non-negative-integer'],
    ['{"small": 2.5}', 'small', 'not-a-non-negative-integer'],
    ['{"small": "3"}', 'small', 'not-a-non-negative-integer'],
    ['{"small": null}', 'small', 'not-a-non-negative-integer'],
    ['{"small": true}', 'small', 'not-a-non-negative-integer'],
    ['{"small": [3]}', 'small', 'not-a-non-negative-integer'],
    ['{"small": {"value": 3}}', 'small', 'not-a-non-negative-integer'],
    ['{"small": 1e400}', 'small', 'not-a-non-negative-integer'],
    ['{"small": -1e400}', 'small', 'not-a-non-negative-integer'],
    ['{"small": 9007199254740992}', 'small', 'not-a-non-negative-integer'],
    ['{"small": 9007199254740993}', 'small', 'not-a-non-negative-integer'],
  ])('%s for %s → %s', (line, flavor, reason) => {
    expect(parsePressureLine(line, flavor)).toEqual({ ok: false, reason });
  });
});
