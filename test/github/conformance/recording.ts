import type { Exchange } from './openapi';

/**
 * A fetch for the client (its `request.fetch` option) that keeps every exchange it carries, as sent and
 * as answered: the client's own requests, its retries, and @octokit/auth-app's token requests alike.
 */
export function recordingFetch(exchanges: Exchange[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    exchanges.push({
      method: (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase(),
      url,
      requestBody: typeof init?.body === 'string' ? init.body : undefined,
      status: response.status,
      headers: Object.fromEntries(response.headers),
      responseBody: await response.clone().text(),
    });
    return response;
  };
}
