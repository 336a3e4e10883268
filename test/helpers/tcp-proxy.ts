/**
 * A TCP proxy for fault tests, between a client (ship) and a ClickHouse server's HTTP port: it
 * forwards both ways and can be told, for the next HTTP request whose query matches, to
 * - `cut`: forward its first `bytes` bytes, then call `onCut` (e.g. SIGKILL the server: an insert
 *   in flight) and close the client's connection; or
 * - `dropReply`: forward the whole request, and when the server's reply starts, close the client's
 *   connection without forwarding a byte of it (an insert that committed, its reply lost).
 * Requests are recognised by their request line (`POST /?query=...`, URL-encoded).
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type Fault =
  | { readonly kind: 'cut'; readonly match: RegExp; readonly bytes: number; readonly onCut: () => Promise<void> }
  | { readonly kind: 'dropReply'; readonly match: RegExp };

export interface TcpProxy {
  readonly port: number;
  /** Arms a fault for the next matching request; `fired` resolves once it struck. */
  arm(fault: Fault): { readonly fired: Promise<void> };
  close(): Promise<void>;
}

/** The decoded query of an HTTP request line in `chunk`, if the chunk starts a request. */
function requestQuery(chunk: Buffer): string | null {
  const line = /^[A-Z]+ (\S+) HTTP\/1\.[01]\r\n/.exec(chunk.toString('latin1'));
  if (line === null) return null;
  const q = new URL(line[1], 'http://x').searchParams.get('query');
  return q ?? '';
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let armed: { fault: Fault; fire: () => void } | null = null;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', () => {
      sockets.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    // Per connection: the fault this connection's current request carries, and bytes still to pass.
    let doomed: { fault: Fault; fire: () => void } | null = null;
    let left = 0;
    client.on('data', (chunk: Buffer) => {
      if (doomed === null && armed !== null) {
        const q = requestQuery(chunk);
        if (q !== null && armed.fault.match.test(q)) {
          doomed = armed;
          armed = null;
          left = doomed.fault.kind === 'cut' ? doomed.fault.bytes : Number.POSITIVE_INFINITY;
        }
      }
      if (doomed?.fault.kind !== 'cut') {
        upstream.write(chunk);
        return;
      }
      if (left <= 0) return;
      upstream.write(chunk.subarray(0, Math.min(left, chunk.length)));
      left -= chunk.length;
      if (left <= 0) {
        const { fault, fire } = doomed;
        client.pause();
        void fault.onCut().then(() => {
          end();
          fire();
        });
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (doomed?.fault.kind === 'dropReply') {
        const { fire } = doomed;
        end();
        fire();
        return;
      }
      client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    arm(fault) {
      let fire = () => {};
      const fired = new Promise<void>((resolve) => {
        fire = resolve;
      });
      armed = { fault, fire };
      return { fired };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
