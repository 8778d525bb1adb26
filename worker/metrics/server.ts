import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { SecretStatus } from '../config/secret-source';

export interface MetricsServerOptions {
  host: string;
  /** 0: any free port (see `url`). */
  port: number;
  registry: Registry;
  /** More Prometheus text appended to the registry's (the Temporal SDK's scrape). */
  extra?: () => Promise<string>;
  /** The worker's state (Worker.getState(), or STARTING before there is a worker): /health is 200 only when RUNNING. */
  workerState: () => string;
  /** Each secret's source and when the reading in use was made (worker-secrets.ts), never a value. */
  secrets?: () => Record<string, SecretStatus>;
}

export interface MetricsServer {
  url: string;
  close: () => Promise<void>;
}

/**
 * GET /metrics (Prometheus text) and GET /health (`{"status": "<worker state>", "secrets": {…}}`, 200 or
 * 503; `secrets` when given).
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      scrape(options).then(
        (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
      );
    } else if (path === '/health') {
      const status = options.workerState();
      res
        .writeHead(status === 'RUNNING' ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status, secrets: options.secrets?.() }));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /health\n');
    }
  });
  await listen(server, options.port, options.host);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The SDK's part is best effort: without it the worker's own series still go out, with a comment saying why. */
async function scrape({ registry, extra }: MetricsServerOptions): Promise<string> {
  const [own, appended] = await Promise.all([
    registry.metrics(),
    extra?.().catch((err: unknown) => `# Temporal SDK metrics unavailable: ${String(err).replace(/\s+/g, ' ')}\n`),
  ]);
  return appended ? `${own}\n${appended}` : own;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
