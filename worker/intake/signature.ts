import { Webhooks } from '@octokit/webhooks';

/**
 * Checks `X-Hub-Signature-256` (`sha256=<hex HMAC of the raw body>`) under the webhook's secret, with
 * @octokit/webhooks (a constant-time comparison). The older SHA-1 `X-Hub-Signature` is not accepted. The
 * secret is read at each delivery, so a rotated one verifies the next; the verifier is made again only
 * when it has changed. It stays inside this closure. A secret that cannot be read rejects.
 */
export function signatureCheck(
  secret: () => string,
): (body: string, signature: string | undefined) => Promise<boolean> {
  let verifier: { secret: string; webhooks: Webhooks } | undefined;
  return async (body, signature) => {
    const current = secret();
    if (verifier?.secret !== current) verifier = { secret: current, webhooks: new Webhooks({ secret: current }) };
    if (!signature || !/^sha256=[0-9a-f]{64}$/.test(signature)) return false;
    // verify throws on an empty body: that is no delivery of GitHub's either.
    return verifier.webhooks.verify(body, signature).catch(() => false);
  };
}
