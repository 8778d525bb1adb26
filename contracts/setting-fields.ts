/**
 * The field rules the settings schemas share (contracts/settings.ts, contracts/schedules.ts): each
 * refusal names the field and the value it got.
 */
import { z } from './zod';

export const shown = (value: unknown) =>
  typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));

export const count = (field: string, min = 0) =>
  z
    .number({ error: (issue) => `${field} must be an integer ≥ ${min}, got ${shown(issue.input)}` })
    .int()
    .min(min);

export const seconds = (field: string) =>
  z.number({ error: (issue) => `${field} must be a positive number of seconds, got ${shown(issue.input)}` }).positive();

export const name = (field: string) => z.string({ error: `${field} must be a non-empty string` }).min(1);
