/**
 * The names tail's exporter (src/app/tail/metrics.ts) writes under `--metrics`: counter families,
 * labels and histogram bounds. The Prometheus rules and the Grafana dashboard of this folder are
 * written from the same names, so the three cannot drift apart.
 */
import type { CounterName } from '../rollup/counters.js';

/** The Prometheus label of each state dimension (`ip` is `source_ip`: the address mail is sent from). */
export const LABEL_OF: Readonly<Record<string, string>> = { isp: 'isp', ip: 'source_ip', vmta: 'vmta', pool: 'pool' };

/** The counter family of each rollup counter (the rules and the dashboard in contrib/ are written from these). */
export const METRIC_OF: Readonly<Record<CounterName, readonly [name: string, help: string]>> = {
  delivered: ['pmta_acct_delivered_total', 'Messages delivered (d records).'],
  deferred: ['pmta_acct_deferred_total', 'Delivery attempts deferred (t records).'],
  queueDeferred: ['pmta_acct_queue_deferred_total', 'Queue-level deferrals (tq records).'],
  bounced: ['pmta_acct_bounced_total', 'Messages bounced by PowerMTA (b records).'],
  hardBounced: ['pmta_acct_hard_bounced_total', 'Bounces in a hard bounce category (part of bounced).'],
  softBounced: ['pmta_acct_soft_bounced_total', 'Bounces not in a hard bounce category (part of bounced).'],
  complaints: ['pmta_acct_complaints_total', 'Feedback-loop complaints (f records).'],
  remoteBounced: ['pmta_acct_remote_bounced_total', 'Remote (asynchronous) bounces (rb records).'],
  remoteStatus: ['pmta_acct_remote_status_total', 'Remote status reports (rs records).'],
  received: ['pmta_acct_received_total', 'Messages received (r records).'],
  deliveredBytes: ['pmta_acct_delivered_bytes_total', 'Bytes delivered (dlvSize of d records).'],
};

export const RECORDS_READ_METRIC = 'pmta_acct_records_read_total';
export const LATENCY_METRIC = 'pmta_acct_delivery_latency_seconds';
export const GAP_METRIC = 'pmta_acct_data_gap_bytes_total';

/** Upper bounds (seconds) of the latency histogram's buckets. */
export const LATENCY_BOUNDS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 43200, 86400];
