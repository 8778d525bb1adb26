/**
 * The idle-confirmation rule switched off (its behaviour before the rule): for tests about something
 * else, whose ticks are a second or two apart. The rule's own tests set it (test/workflows/idle-confirmation.test.ts).
 */
export const WITHOUT_IDLE_CONFIRMATION = { idleConfirmSeconds: 0, minRunnerAgeSeconds: 0 };
