/** Why a line of the pressure stream carried no usable value for the flavor. */
export type PressureLineReason = 'malformed-json' | 'not-an-object' | 'missing-flavor' | 'not-a-non-negative-integer';

export type PressureLine = { ok: true; pressure: number } | { ok: false; reason: PressureLineReason };

/**
 * Reads the flavor's pressure from one stream line, e.g. `{"small": 3}`. Other keys are ignored. A
 * value counts only as a safe, non-negative integer: `"3"`, `2.5`, `-1` and `1e300` are all rejected,
 * as is anything JSON.parse would turn into NaN or a rounded integer. Never throws.
 */
export function parsePressureLine(line: string, flavor: string): PressureLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'malformed-json' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: 'not-an-object' };
  }
  // Own keys only: a flavor named "constructor" or "__proto__" must not find Object.prototype.
  if (!Object.prototype.hasOwnProperty.call(parsed, flavor)) return { ok: false, reason: 'missing-flavor' };
  const value: unknown = (parsed as Record<string, unknown>)[flavor];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    return { ok: false, reason: 'not-a-non-negative-integer' };
  }
  // `+ 0` turns -0 into 0.
  return { ok: true, pressure: value + 0 };
}
