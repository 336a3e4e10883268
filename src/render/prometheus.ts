/**
 * The report in Prometheus' text format, for node_exporter's textfile collector: a cron'd
 * `report --format prom -o /var/lib/node_exporter/textfile/pmta_acct.prom` (written to a temporary
 * name in the same directory and renamed, so the collector never reads half a file).
 *
 * Every value describes the report period, so every metric is a gauge (no `_total`: these are not
 * counters that only go up). Totals, per-ISP and per-IP figures are separate metric families, so a
 * `sum()` never adds one level to another. Labels are bounded: `isp` (ids of the ISP map), and
 * `source_ip` (your own sending IPs; a value that is not an IP address is not exported);
 * never a domain, a job or anything a record can make up.
 */
import { isIP } from 'node:net';
import type { ReportModel } from '../model/model.js';
import type { GroupRow } from '../model/rows.js';
import { severity } from '../verdict/types.js';
import { scopeText } from './verdict-view.js';

const P = 'pmta_acct_report';

interface Family {
  readonly name: string;
  readonly help: string;
  readonly value: (row: GroupRow) => number | null;
}

/** Message counts and rates; the per-ISP and per-IP families use the first `perKey` of them. */
const FAMILIES: readonly Family[] = [
  { name: 'delivered_messages', help: 'Messages delivered (d records)', value: (r) => r.counts.delivered },
  { name: 'deferred_attempts', help: 'Delivery attempts deferred (t records)', value: (r) => r.counts.deferred },
  { name: 'bounced_messages', help: 'Messages bounced by PowerMTA (b records)', value: (r) => r.counts.bounced },
  { name: 'hard_bounced_messages', help: 'Bounces in a hard bounce category', value: (r) => r.counts.hardBounced },
  { name: 'complaints', help: 'Feedback-loop complaints (f records)', value: (r) => r.counts.complaints },
  { name: 'deferral_ratio', help: 'deferred / (delivered + bounced + deferred)', value: (r) => r.rates.deferral },
  { name: 'bounce_ratio', help: 'bounced / (delivered + bounced)', value: (r) => r.rates.bounce },
  { name: 'hard_bounce_ratio', help: 'hard bounced / (delivered + bounced)', value: (r) => r.rates.hardBounce },
  { name: 'complaint_ratio', help: 'complaints / delivered', value: (r) => r.rates.complaint },
  { name: 'soft_bounced_messages', help: 'Bounces not in a hard bounce category', value: (r) => r.counts.softBounced },
  { name: 'queue_deferrals', help: 'Queue-level deferrals (tq records)', value: (r) => r.counts.queueDeferred },
  { name: 'remote_bounces', help: 'Remote (asynchronous) bounces (rb records)', value: (r) => r.counts.remoteBounced },
  { name: 'remote_status_reports', help: 'Remote status reports (rs records)', value: (r) => r.counts.remoteStatus },
  { name: 'received_messages', help: 'Messages received (r records)', value: (r) => r.counts.received },
  { name: 'delivered_bytes', help: 'Bytes delivered (dlvSize of d records)', value: (r) => r.counts.deliveredBytes },
];
const PER_KEY = 9;

const QUANTILES = [
  ['0.5', 'p50'],
  ['0.9', 'p90'],
  ['0.99', 'p99'],
] as const;

/** A label value in the exposition format: backslash, double quote and line feed escaped. */
export function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function sample(name: string, labels: Record<string, string>, v: number): string {
  const l = Object.entries(labels)
    .map(([k, x]) => `${k}="${labelValue(x)}"`)
    .join(',');
  return `${name}${l === '' ? '' : `{${l}}`} ${Number.isInteger(v) ? v : Number(v.toPrecision(10))}`;
}

function family(name: string, help: string, lines: string[]): string[] {
  return lines.length === 0 ? [] : [`# HELP ${name} ${help}.`, `# TYPE ${name} gauge`, ...lines];
}

function latency(name: string, rows: readonly [Record<string, string>, GroupRow][]): string[] {
  const lines: string[] = [];
  for (const [labels, row] of rows) {
    for (const [q, k] of QUANTILES) {
      const v = row.latency[k];
      if (v !== null) lines.push(sample(name, { ...labels, quantile: q }, v));
    }
  }
  return family(name, 'Delivery latency (timeLogged - timeQueued of d records) at a quantile, over the report period', lines);
}

export interface PromOptions {
  /** Most ISPs and most sending IPs exported, the biggest first (default: every ISP, 1,000 IPs). */
  readonly top?: number;
}

export function renderProm(m: ReportModel, opts: PromOptions = {}): string {
  const out: string[] = [];
  const one = (name: string, help: string, v: number | null) =>
    out.push(...family(`${P}_${name}`, help, v === null ? [] : [sample(`${P}_${name}`, {}, v)]));
  if (m.range.since !== null) one('period_start_timestamp_seconds', 'Start of the report period (--since)', m.range.since);
  if (m.range.until !== null) one('period_end_timestamp_seconds', 'End of the report period (--until, exclusive)', m.range.until);
  one('first_event_timestamp_seconds', 'Earliest event time counted', m.input.firstEvent);
  one('last_event_timestamp_seconds', 'Latest event time counted', m.input.lastEvent);
  one('records', 'Data records read', m.input.records);
  one('bad_records', 'Records rejected as bad (see the report for where)', m.input.badRecords);
  for (const f of FAMILIES) {
    const v = f.value(m.total);
    out.push(...family(`${P}_${f.name}`, `${f.help}, over the report period`, v === null ? [] : [sample(`${P}_${f.name}`, {}, v)]));
  }
  out.push(...latency(`${P}_delivery_latency_seconds`, [[{}, m.total]]));
  const isps = (m.byIsp ?? []).filter((r) => r.key.isp !== '' && r.key.isp !== undefined).slice(0, opts.top ?? Number.POSITIVE_INFINITY);
  const ips = (m.byIp ?? []).filter((r) => r.key.ip !== undefined && isIP(r.key.ip) !== 0).slice(0, opts.top ?? 1000);
  for (const [level, label, rows] of [
    ['isp', 'isp', isps],
    ['ip', 'source_ip', ips],
  ] as const) {
    for (const f of FAMILIES.slice(0, PER_KEY)) {
      const name = `${P}_${level}_${f.name}`;
      const lines = rows.flatMap((r) => {
        const v = f.value(r);
        return v === null ? [] : [sample(name, { [label]: r.key[level] }, v)];
      });
      out.push(...family(name, `${f.help}, per ${level === 'isp' ? 'ISP' : 'sending IP'}, over the report period`, lines));
    }
  }
  out.push(
    ...latency(
      `${P}_isp_delivery_latency_seconds`,
      isps.filter((r) => r.latency.count > 0).map((r) => [{ isp: r.key.isp }, r]),
    ),
  );
  if (m.verdicts !== null && m.verdicts !== undefined) {
    const name = `${P}_verdict_level`;
    const lines = m.verdicts.verdicts.map((v) => sample(name, { rule: v.rule, scope: scopeText(v.scope) }, severity(v.level)));
    out.push(...family(name, 'Verdict per rule and scope: 0 OK (or INFO), 1 WARN, 2 CRIT', lines));
    one('status', 'Worst verdict: 0 OK, 1 WARNING, 2 CRITICAL (the exit status of check)', severity(m.verdicts.status));
  }
  const incidents = m.incidents?.incidents;
  if (incidents !== undefined) {
    one('incidents', 'Incidents during the report period: runs of windows at WARN or above of one rule and scope', incidents.length);
    one(
      'incident_seconds',
      'Seconds of incidents during the report period, added up',
      incidents.reduce((n, i) => n + (i.end - i.start), 0),
    );
    const by = new Map<string, { rule: string; level: string; n: number }>();
    for (const i of incidents) {
      const k = `${i.rule}\u0000${i.level}`;
      const e = by.get(k) ?? { rule: i.rule, level: i.level, n: 0 };
      e.n++;
      by.set(k, e);
    }
    const name = `${P}_rule_incidents`;
    out.push(
      ...family(
        name,
        'Incidents during the report period per rule and worst level reached',
        [...by.values()].map((e) => sample(name, { rule: e.rule, level: e.level }, e.n)),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
