/** Column headings of dimensions and derived fields, the same in every human format. */
const LABELS: Readonly<Record<string, string>> = {
  isp: 'ISP',
  ip: 'Sending IP',
  vmta: 'VirtualMTA',
  pool: 'Pool',
  job: 'Job',
  domain: 'Domain',
  bounceCat: 'Bounce category',
  type: 'Type',
  outcome: 'Outcome',
  hard: 'Hard',
  latency: 'Latency (s)',
  diag: 'Reason',
};

/** The heading of a field; header columns keep their own name. */
export function label(d: string): string {
  return LABELS[d] ?? d;
}
