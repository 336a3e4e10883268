/**
 * Our sending side: virtual MTAs bound 1:1 to source IPs (documentation ranges only), grouped in pools the
 * way a bulk sender splits reputation: dedicated IPs for the big three mailbox providers, a shared pool for
 * everyone else and a small transactional pool.
 */
export interface Vmta {
  readonly name: string;
  readonly ip: string;
  readonly pool: string;
}

export interface Pool {
  readonly name: string;
  readonly vmtas: readonly Vmta[];
}

function pool(name: string, prefix: string, net: string, first: number, count: number): Pool {
  const vmtas = Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${String(i + 1).padStart(2, '0')}`,
    ip: `${net}.${first + i}`,
    pool: name,
  }));
  return { name, vmtas };
}

export const POOLS = {
  gmail: pool('pool-gmail', 'gm', '203.0.113', 10, 16),
  microsoft: pool('pool-ms', 'ms', '203.0.113', 40, 12),
  yahoo: pool('pool-yahoo', 'yh', '203.0.113', 60, 10),
  shared: pool('pool-shared', 'sh', '203.0.113', 80, 16),
  transactional: pool('pool-tx', 'tx', '198.51.100', 5, 4),
} as const;

/** The IP whose Gmail reputation collapses between 02:00 and 04:00 (gm-05). */
export const INCIDENT_IP = '203.0.113.14';

/** The PowerMTA address that receives feedback-loop reports (repSourceIp of f records). */
export const FBL_RECEIVER_IP = '192.0.2.25';
