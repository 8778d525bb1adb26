import { BadRequest, isJsonObject } from '../http';

/** Odd lines `malformedEvery` injects. All but 'split' are unusable; 'split' is a valid line sent in two pieces. */
export type MalformedKind =
  | 'malformed-json'
  | 'not-an-object'
  | 'missing-flavor'
  | 'negative'
  | 'fraction'
  | 'string-value'
  | 'unsafe-integer'
  | 'huge-line'
  | 'split';

export const MALFORMED_KINDS: readonly MalformedKind[] = [
  'malformed-json',
  'not-an-object',
  'missing-flavor',
  'negative',
  'fraction',
  'string-value',
  'unsafe-integer',
  'huge-line',
  'split',
];

/** Faults apply to the pressure API (stream and one-shot), never to the control endpoints. */
export interface PlannerFaults {
  /** Delay before answering. */
  latencyMs: number;
  /** Fraction (0..1) of stream requests answered 503. */
  errorRate: number;
  /** Answer every request with this status instead (with the planner's body for it); undefined = off. */
  status?: number;
  /** Destroy a stream's socket once this many lines have been written to it. */
  dropAfterLines?: number;
  /** After every N value lines of a stream, write one line of `malformedKinds` (round robin per flavor). */
  malformedEvery?: number;
  malformedKinds: MalformedKind[];
  /** Keep streams open but write nothing, keep-alives included; new streams get their head and nothing more. */
  stall: boolean;
  /** The planner's database is down: a token cannot be verified, so new connections get 500. */
  databaseDown: boolean;
  /** Error answers quote the request's Authorization header back, as a careless gateway does. */
  echoAuthorization?: boolean;
}

export function defaultFaults(): PlannerFaults {
  return { latencyMs: 0, errorRate: 0, malformedKinds: [...MALFORMED_KINDS], stall: false, databaseDown: false };
}

/** Over the client's 64 KiB line cap. */
const HUGE_LINE_PADDING = 100 * 1024;

export function oddLine(kind: Exclude<MalformedKind, 'split'>, flavor: string, value: number): string {
  const key = JSON.stringify(flavor);
  switch (kind) {
    case 'malformed-json':
      return `{${key}: ${value}`;
    case 'not-an-object':
      return `[${value}]`;
    case 'missing-flavor':
      return JSON.stringify({ [`not-${flavor}`]: value });
    case 'negative':
      return `{${key}: -1}`;
    case 'fraction':
      return `{${key}: 2.5}`;
    case 'string-value':
      return `{${key}: "${value}"}`;
    case 'unsafe-integer':
      return `{${key}: 9007199254740993}`;
    case 'huge-line':
      return JSON.stringify({ [flavor]: value, padding: 'x'.repeat(HUGE_LINE_PADDING) });
  }
}

export function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

const FAULT_CHECKS: Record<keyof PlannerFaults, (value: unknown) => boolean> = {
  latencyMs: (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0,
  errorRate: (value) => typeof value === 'number' && value >= 0 && value <= 1,
  status: (value) =>
    value === null || (Number.isInteger(value) && (value as number) >= 200 && (value as number) <= 599),
  dropAfterLines: (value) => value === null || (isNonNegativeInteger(value) && value > 0),
  malformedEvery: (value) => value === null || (isNonNegativeInteger(value) && value > 0),
  malformedKinds: (value) =>
    Array.isArray(value) && value.every((kind) => MALFORMED_KINDS.includes(kind as MalformedKind)),
  stall: (value) => typeof value === 'boolean',
  databaseDown: (value) => typeof value === 'boolean',
  echoAuthorization: (value) => value === null || typeof value === 'boolean',
};

/** Applies a JSON patch of faults all or nothing; null turns an optional fault off. */
export function applyFaults(faults: PlannerFaults, patch: unknown): void {
  if (!isJsonObject(patch)) throw new BadRequest('body must be a JSON object of faults');
  for (const [name, value] of Object.entries(patch)) {
    const check = FAULT_CHECKS[name as keyof PlannerFaults] as ((value: unknown) => boolean) | undefined;
    if (!check) throw new BadRequest(`unknown fault ${JSON.stringify(name)}`);
    if (!check(value)) throw new BadRequest(`invalid value for fault ${name}: ${JSON.stringify(value)}`);
  }
  for (const [name, value] of Object.entries(patch)) {
    Object.assign(faults, { [name]: value === null ? undefined : value });
  }
}
