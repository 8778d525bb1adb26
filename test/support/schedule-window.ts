import type { ScheduleWindow } from '../../contracts/schedules';

/**
 * A schedule window that opens once, at the whole second `secondsAhead` from now, written in the local
 * time of `timeZone` (six fields, seconds first): the workflow reads it through croner and the sandbox's
 * Intl, as a real schedule in a real zone. It opens again a year later, on the same date.
 */
export function windowOpeningIn(
  secondsAhead: number,
  durationSeconds: number,
  minRunners: number,
  timeZone = 'Europe/Berlin',
): { window: ScheduleWindow; opensAt: number; closesAt: number } {
  const opensAt = Math.ceil(Date.now() / 1000) * 1000 + secondsAhead * 1000;
  const local = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const parts = Object.fromEntries(local.formatToParts(new Date(opensAt)).map((part) => [part.type, part.value]));
  const cron = `${parts.second} ${parts.minute} ${parts.hour} ${parts.day} ${parts.month} *`;
  const window: ScheduleWindow = { name: 'warm', cron, timeZone, durationSeconds, minRunners };
  return { window, opensAt, closesAt: opensAt + durationSeconds * 1000 };
}
