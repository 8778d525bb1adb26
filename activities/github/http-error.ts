/**
 * The parts of an octokit RequestError the client reads, duck-typed: @octokit/request-error is not a direct
 * dependency. Octokit also throws status 500 with no response when the connection failed.
 */
export interface HttpError {
  status: number;
  message: string;
  response?: { headers: Record<string, string | number | undefined> };
  request?: { method?: string; url?: string };
}

export function asHttpError(err: unknown): HttpError | undefined {
  if (!(err instanceof Error) || !('status' in err) || typeof err.status !== 'number') return undefined;
  return err as Error & HttpError;
}

export function statusOf(err: unknown): number | undefined {
  return asHttpError(err)?.status;
}

export function headerOf(err: HttpError, name: string): string | undefined {
  const value = err.response?.headers[name];
  return value === undefined ? undefined : String(value);
}
