import { toGitHubError, type GitHubApiError } from '../../activities/github/errors';

const reasons: Record<number, string> = { 401: 'Bad credentials', 403: 'Forbidden', 503: 'Service Unavailable' };

/** The error the real GitHub client throws when GitHub answers `status`: its own mapping of octokit's error. */
export function gitHubError(status: number, method: string, url: string, operation: string): GitHubApiError {
  const octokitError = Object.assign(new Error(reasons[status] ?? `HTTP ${status}`), {
    status,
    response: { headers: {} },
    request: { method, url },
  });
  return toGitHubError(octokitError, operation, (text) => text);
}
