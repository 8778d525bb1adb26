/** A job's place in the API: what `GET /repos/{owner}/{repo}/actions/jobs/{job_id}` needs. */
export interface JobRef {
  owner: string;
  repo: string;
  jobId: number;
}

/**
 * GitHub's owner and repository names: letters, digits, `.`, `_`, `-`. No `%`, so nothing encoded gets
 * through; `.` and `..` segments, encoded or not, are resolved by the URL parser before this sees them.
 */
const namePart = '[A-Za-z0-9._-]{1,100}';
const jobPath = new RegExp(`^/repos/(${namePart})/(${namePart})/actions/jobs/(\\d{1,16})$`);

/**
 * The job a webhook's `workflow_job.url` names, when it is exactly `<baseUrl>/repos/{owner}/{repo}/actions/jobs/{id}`:
 * the same protocol, host and port as the configured API base, under its path (a GHES `/api/v3`
 * included), with no credentials, query or fragment. Anything else is undefined, and then no request is
 * made: the URL comes from a webhook, and the token must go to the configured host only. The request is
 * rebuilt from the parts, never sent to the URL as given.
 */
export function parseJobUrl(url: string, baseUrl: string): JobRef | undefined {
  if (!URL.canParse(url)) return undefined;
  const job = new URL(url);
  const base = new URL(baseUrl);
  if (job.origin !== base.origin || job.username || job.password || job.search || job.hash) return undefined;
  const prefix = base.pathname.replace(/\/+$/, '');
  if (!job.pathname.startsWith(`${prefix}/`)) return undefined;
  const match = jobPath.exec(job.pathname.slice(prefix.length));
  if (!match) return undefined;
  const jobId = Number(match[3]);
  return Number.isSafeInteger(jobId) && jobId > 0 ? { owner: match[1], repo: match[2], jobId } : undefined;
}
