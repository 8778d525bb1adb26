/**
 * What the workflow accepts from outside (the stream activity, operators, the webhook intake), checked
 * before it changes anything. Pure (table tests in input-checks.test.ts).
 */
import type { JobMessage } from '../contracts/activities';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** An operator's new fallback count: a non-negative integer, not above maxRunners when there is a cap. */
export function checkFallbackRunners(value: unknown, maxRunners: number): Checked<number> {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    return { ok: false, reason: `fallbackRunners must be an integer, got ${describeValue(value)}` };
  }
  if (value < 0) return { ok: false, reason: `fallbackRunners must not be negative, got ${value}` };
  if (maxRunners > 0 && value > maxRunners) {
    return { ok: false, reason: `fallbackRunners ${value} is above maxRunners ${maxRunners}` };
  }
  return { ok: true, value };
}

/** A pressure value as the stream activity must send it. */
export function checkPressure(value: unknown): Checked<number> {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    return { ok: false, reason: `pressure must be a non-negative integer, got ${describeValue(value)}` };
  }
  return { ok: true, value };
}

/** A job message as the intake must send it. */
export function checkJobMessage(value: unknown): Checked<JobMessage> {
  const message = value as Partial<JobMessage> | null;
  if (typeof message !== 'object' || message === null) {
    return { ok: false, reason: `job must be an object, got ${describeValue(value)}` };
  }
  if (typeof message.jobId !== 'number' || !Number.isSafeInteger(message.jobId) || message.jobId <= 0) {
    return { ok: false, reason: `jobId must be a positive integer, got ${describeValue(message.jobId)}` };
  }
  if (!Array.isArray(message.labels) || message.labels.some((label) => typeof label !== 'string')) {
    return { ok: false, reason: `labels must be a list of strings, got ${describeValue(message.labels)}` };
  }
  if (typeof message.url !== 'string' || message.url.length === 0 || message.url.length > 2000) {
    return { ok: false, reason: `url must be a job URL, got ${describeValue(message.url)}` };
  }
  return { ok: true, value: { jobId: message.jobId, labels: [...message.labels], url: message.url } };
}

/** A short, safe rendering of an operator's bad input for errors and the state. */
export function describeValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
