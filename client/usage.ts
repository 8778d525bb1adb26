export const USAGE = `usage: runner-autoscaler [options] <command>

commands:
  apply <flavors.yaml>       start or update one flavor workflow per flavor in the file
  status [flavor] [--json]   the state of every running flavor on the task queue, or of one
  fallback <flavor> <n>      the desired runner count while the planner stream is down
  flush <flavor> [--busy]    remove the idle runners now (--busy: every runner, killing its job)
  stop <flavor>              end the flavor's workflow; its idle runners are removed

options:
  --address <host:port>      Temporal frontend (TEMPORAL_ADDRESS, default localhost:7233)
  --namespace <name>         (TEMPORAL_NAMESPACE, default default)
  --task-queue <name>        the workers' task queue (RUNNER_AUTOSCALER_TASK_QUEUE, default runner-autoscaler)
  --tls                      use TLS (TEMPORAL_TLS=1)
  --profile <name>           a profile of the temporal CLI's config file (TEMPORAL_PROFILE, default default;
                             the file: TEMPORAL_CONFIG_FILE, default ~/.config/temporalio/temporal.toml)
                             Flags win over the TEMPORAL_* variables, which win over the profile; see
                             docs.temporal.io/references/client-environment-configuration (API key, mTLS)
  -h, --help                 this text

exit codes: 0 done, 1 failed or refused (the reason is printed), 2 bad usage or Temporal unreachable`;
