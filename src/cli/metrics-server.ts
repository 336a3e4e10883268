/** `tail --metrics HOST:PORT`: Prometheus text on /metrics, on loopback unless told otherwise. */
import { createServer, type Server } from 'node:http';
import { PmtaAcctError } from '../errors.js';
import type { TailMetrics } from '../app/tail/metrics.js';

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text.trim()) ?? /^()()(\d+)$/.exec(text.trim());
  if (m === null) throw new PmtaAcctError('USAGE', `--metrics: '${text}' is not HOST:PORT (e.g. 127.0.0.1:9469, or :9469 for loopback)`);
  const host = m[1] || m[2] || '127.0.0.1';
  const port = Number(m[3]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new PmtaAcctError('USAGE', `--metrics: port ${m[3]} is out of range`);
  return { host, port };
}

export function serveMetrics(metrics: TailMetrics, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    metrics.text().then(
      (text) => res.writeHead(200, { 'content-type': metrics.contentType() }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new PmtaAcctError('USAGE', `--metrics ${host}:${port}: ${err.message}`)));
    server.listen(port, host, () => resolve(server));
  });
}
