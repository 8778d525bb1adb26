import { createHash } from 'node:crypto';
import { jobUrl, type Job } from './jobs';

/**
 * A workflow job in the REST API's format (`GET /repos/{owner}/{repo}/actions/jobs/{job_id}`), which is
 * also the `workflow_job` of a webhook. Before a runner takes it, started_at is its creation time and
 * the runner fields are null, as on GitHub.
 */
export function jobJson(job: Job, apiBase: string) {
  const repoApi = `${apiBase}/repos/${job.owner}/${job.repo}`;
  const iso = (date: Date | undefined) => (date ? date.toISOString().replace(/\.\d+Z$/, 'Z') : null);
  return {
    id: job.id,
    run_id: job.runId,
    workflow_name: 'CI',
    head_branch: 'main',
    run_url: `${repoApi}/actions/runs/${job.runId}`,
    run_attempt: 1,
    node_id: Buffer.from(`012:Workflow Job${job.id}`).toString('base64'),
    head_sha: createHash('sha1').update(`run ${job.runId}`).digest('hex'),
    url: jobUrl(job, apiBase),
    html_url: `https://github.com/${job.owner}/${job.repo}/actions/runs/${job.runId}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion,
    created_at: iso(job.createdAt),
    started_at: iso(job.startedAt ?? job.createdAt),
    completed_at: iso(job.completedAt),
    name: 'build',
    steps: steps(job).map((step) => ({
      ...step,
      started_at: iso(step.started_at),
      completed_at: iso(step.completed_at),
    })),
    check_run_url: `${repoApi}/check-runs/${job.id}`,
    labels: [...job.labels],
    runner_id: job.runner?.id ?? null,
    runner_name: job.runner?.name ?? null,
    runner_group_id: job.runner?.groupId ?? null,
    runner_group_name: job.runner?.groupName ?? null,
  };
}

/** GitHub lists a job's steps once a runner has it: "Set up job" first, running until the job ends. */
function steps(job: Job) {
  if (!job.startedAt) return [];
  const done = job.status === 'completed';
  return [
    {
      name: 'Set up job',
      status: done ? 'completed' : 'in_progress',
      conclusion: done ? job.conclusion : null,
      number: 1,
      started_at: job.startedAt,
      completed_at: done ? job.completedAt : undefined,
    },
  ];
}
