/**
 * Scrubs secrets out of text headed for an error message, for every client (GitHub, OpenStack, planner).
 * Their messages are built from the service's own error text and the failing method and path, none of
 * which should hold a secret; this is the second line: the configured secrets verbatim, then anything
 * shaped like a GitHub token, a JWT, a PEM block or a long base64 run (an installation token, or a JIT
 * config a service echoes back from a request's user data).
 */
const secretShapes = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b(?:gh[opsuvr]_|github_pat_)[A-Za-z0-9_]+/g,
  /\beyJ[\w-]*\.[\w-]*\.[\w-]*/g,
  /[A-Za-z0-9+/]{100,}={0,2}/g,
];

/** Longest message kept: a proxy's HTML error page is not worth carrying around. */
const maxLength = 300;

export function createRedactor(knownSecrets: string[]): (text: string) => string {
  const exact = knownSecrets.filter((secret) => secret.length >= 8);
  return (text) => {
    let out = text;
    for (const secret of exact) out = out.split(secret).join('[redacted]');
    for (const shape of secretShapes) out = out.replace(shape, '[redacted]');
    return out.length > maxLength ? `${out.slice(0, maxLength)}…` : out;
  };
}
