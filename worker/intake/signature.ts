import { Webhooks } from '@octokit/webhooks';

/**
 * Checks `X-Hub-Signature-256` (`sha256=<hex HMAC of the raw body>`) under the webhook's secret, with
 * @octokit/webhooks (a constant-time comparison). The older SHA-1 `X-Hub-Signature` is not accepted. The
 * secret stays inside this closure.
 */
export function signatureCheck(secret: string): (body: string, signature: string | undefined) => Promise<boolean> {
  const webhooks = new Webhooks({ secret });
  return async (body, signature) => {
    if (!signature || !/^sha256=[0-9a-f]{64}$/.test(signature)) return false;
    // verify throws on an empty body: that is no delivery of GitHub's either.
    return webhooks.verify(body, signature).catch(() => false);
  };
}
