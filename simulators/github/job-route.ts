import { jobJson } from './job-wire';
import type { GitHubState } from './state';
import { failure, Refusal, type Route } from './wire';

/**
 * `GET /repos/{owner}/{repo}/actions/jobs/{job_id}`: a job of another repository, or none, is a 404,
 * as on GitHub. Owner and repository names match in any case.
 */
export function jobRoute(state: GitHubState): Route {
  return {
    method: 'GET',
    pattern: /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/actions\/jobs\/(?<jobId>\d+)$/,
    template: () => '/repos/{owner}/{repo}/actions/jobs/{job_id}',
    auth: 'token',
    handle: ({ params }) => {
      const job = state.jobs.get(Number(params.jobId));
      const same = (a: string, b: string | undefined) => a.toLowerCase() === b?.toLowerCase();
      if (!job || !same(job.owner, params.owner) || !same(job.repo, params.repo)) {
        throw new Refusal(failure(404, 'Not Found'));
      }
      return { status: 200, body: jobJson(job, state.baseUrl) };
    },
  };
}
