/**
 * What a simulated VM runs at boot: the user data's `run.sh --jitconfig '<config>'`, which a real image
 * with the actions runner installed executes through cloud-init. The simulator reads the config out of
 * the script as the runner would receive it; nothing else of the script runs.
 */
export function jitConfigFromUserData(userData: string): string | undefined {
  return /--jitconfig '([A-Za-z0-9+/=]+)'/.exec(userData)?.[1];
}
