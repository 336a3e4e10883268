/**
 * Prometheus metrics of a `tail` run (prom-client registry; counters since the process started,
 * as Prometheus expects). Labels are bounded: isp (ids of the ISP map, `other` for the rest; never
 * a raw recipient domain), source_ip, vmta and pool, as far as the state keeps them. The latency
 * histogram is written here from the rollup's own bins: prom-client can only observe values one
 * by one, and the rollup has already aggregated them.
 *
 * A series appears at 0 and takes its count after the next scrape. Prometheus' increase() only
 * sees what a counter gains after its first sample, so a series that appeared with its count (every
 * series at the first commit after a start, then each new ISP, IP, VirtualMTA or pool) would lose
 * that count to the rates and alerts of contrib/prometheus (src/monitoring/).
 */
import type { Counter, Gauge, Registry } from 'prom-client';
import { lazyRequire } from '../../util/lazy-require.js';
import { COUNTER_NAMES, STRIDE } from '../../rollup/counters.js';
import { BINS, binRange } from '../../rollup/latency.js';
import { regroup } from '../../rollup/regroup.js';
import type { RollupDelta } from '../../state/rollup-store.js';
import { GAP_METRIC, LABEL_OF, LATENCY_BOUNDS, LATENCY_METRIC, METRIC_OF, RECORDS_READ_METRIC } from '../../monitoring/metric-names.js';

const promClient = lazyRequire<typeof import('prom-client')>('prom-client');

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export class TailMetrics {
  readonly registry: Registry;
  private readonly dims: readonly string[];
  private readonly labelDims: number[];
  private readonly labelNames: string[];
  private readonly counters: Counter[];
  private readonly recordsRead: Counter;
  readonly badRecords: Counter;
  private readonly gapBytes: Counter;
  private readonly commits: Counter;
  readonly lag: Gauge;
  readonly lastEvent: Gauge;
  readonly files: Gauge;
  /** Latency bins per ISP (or one row for all when the state has no isp). */
  private readonly latency = new Map<string, Uint32Array>();
  /** Series exported (at 0 at least), by counter and labels. */
  private readonly known = new Set<string>();
  /** Counts of series not scraped yet: added once a scrape has seen them at 0. */
  private pending = new Map<string, { counter: Counter; labels: Record<string, string>; n: number }>();
  private pendingLatency = new Map<string, Uint32Array>();
  /** Counts of the series without labels before the first scrape (each there at 0 from the start). */
  private early = new Map<Counter, number>();
  private scraped = false;

  constructor(dims: readonly string[]) {
    this.dims = dims;
    this.labelDims = dims.map((d, i) => (LABEL_OF[d] === undefined ? -1 : i)).filter((i) => i >= 0);
    this.labelNames = this.labelDims.map((i) => LABEL_OF[dims[i]]);
    const { Counter, Gauge, Registry } = promClient();
    this.registry = new Registry();
    const registers = [this.registry];
    this.counters = COUNTER_NAMES.map(
      (c) => new Counter({ name: METRIC_OF[c][0], help: METRIC_OF[c][1], labelNames: this.labelNames, registers }),
    );
    this.recordsRead = new Counter({ name: RECORDS_READ_METRIC, help: 'Data records read from the accounting files.', registers });
    this.badRecords = new Counter({
      name: 'pmta_acct_bad_records_total',
      help: 'Bad records and warnings, by problem code.',
      labelNames: ['code'],
      registers,
    });
    this.gapBytes = new Counter({
      name: GAP_METRIC,
      help: 'Bytes known to be lost (files that went away unread while stopped).',
      registers,
    });
    this.commits = new Counter({
      name: 'pmta_acct_commits_total',
      help: 'State commits (counts and offsets in one transaction).',
      registers,
    });
    this.lag = new Gauge({ name: 'pmta_acct_ingest_lag_bytes', help: 'Bytes written to the followed files and not read yet.', registers });
    this.lastEvent = new Gauge({
      name: 'pmta_acct_last_event_timestamp_seconds',
      help: 'Event time (timeLogged) of the latest record counted.',
      registers,
    });
    this.files = new Gauge({ name: 'pmta_acct_files_followed', help: 'Accounting files open for reading.', registers });
  }

  /** Add n to a series; a series never scraped is exported at 0 and gets its count after the next scrape. */
  private inc(family: string, counter: Counter, labels: Record<string, string>, labelKey: string, n: number): void {
    const id = `${family}\u0000${labelKey}`;
    const waiting = this.pending.get(id);
    if (waiting !== undefined) waiting.n += n;
    else if (this.known.has(id)) counter.inc(labels, n);
    else {
      this.known.add(id);
      counter.inc(labels, 0);
      this.pending.set(id, { counter, labels, n });
    }
  }

  /** Add what a commit counted. */
  add(delta: RollupDelta): void {
    const r = delta.rollup;
    for (let g = 0; g < r.size; g++) {
      // A fresh object per group: prom-client keeps the labels object it is given.
      const labels: Record<string, string> = {};
      this.labelDims.forEach((d, i) => {
        labels[this.labelNames[i]] = r.valueOf(g, d);
      });
      const labelKey = Object.values(labels).join('\u0000');
      for (let c = 0; c < STRIDE; c++) {
        const v = r.counters[g * STRIDE + c];
        if (v !== 0) this.inc(COUNTER_NAMES[c], this.counters[c], labels, labelKey, v);
      }
    }
    const ispDim = this.dims.includes('isp');
    const byIsp = regroup(r, ispDim ? ['isp'] : [], null);
    for (let g = 0; g < byIsp.size; g++) {
      const slot = byIsp.histSlots[g];
      if (slot < 0) continue;
      const isp = ispDim ? byIsp.valueOf(g, 0) : '';
      let bins = this.pendingLatency.get(isp) ?? this.latency.get(isp);
      if (bins === undefined) {
        this.latency.set(isp, new Uint32Array(BINS));
        bins = new Uint32Array(BINS);
        this.pendingLatency.set(isp, bins);
      }
      for (let i = 0; i < BINS; i++) bins[i] += byIsp.hist[slot * BINS + i];
    }
    for (const [name, n] of delta.totals) {
      if (name === 'records') this.plain(this.recordsRead, n);
      else if (name.startsWith('problem:') && n > 0) this.inc('badRecords', this.badRecords, { code: name.slice(8) }, name, n);
    }
    this.plain(this.commits, 1);
  }

  /** Bytes of a file that went away unread (tail's DATA LOST). */
  lost(bytes: number): void {
    this.plain(this.gapBytes, bytes);
  }

  /** A series without labels exists at 0 from the start: only what comes before the first scrape waits for it. */
  private plain(counter: Counter, n: number): void {
    if (this.scraped) counter.inc(n);
    else this.early.set(counter, (this.early.get(counter) ?? 0) + n);
  }

  /** After a scrape: the series it saw at 0 get their counts. */
  private release(): void {
    this.scraped = true;
    for (const [counter, n] of this.early) counter.inc(n);
    this.early = new Map();
    for (const p of this.pending.values()) p.counter.inc(p.labels, p.n);
    this.pending = new Map();
    for (const [isp, add] of this.pendingLatency) {
      const bins = this.latency.get(isp) as Uint32Array;
      for (let i = 0; i < BINS; i++) bins[i] += add[i];
    }
    this.pendingLatency = new Map();
  }

  /**
   * The delivery latency histogram. A bin of the rollup goes to the first bound at or above its
   * highest value, so counts are exact below 16 s and within one bin (≤ 12.5%) above; the sum
   * uses bin middles.
   */
  private latencyText(): string {
    const name = LATENCY_METRIC;
    const lines = [`# HELP ${name} Delivery latency (timeLogged - timeQueued of d records).`, `# TYPE ${name} histogram`];
    const ispDim = this.dims.includes('isp');
    for (const [isp, bins] of [...this.latency.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const base = ispDim ? `isp="${escapeLabel(isp)}",` : '';
      const perBound = new Array<number>(LATENCY_BOUNDS.length).fill(0);
      let count = 0;
      let sum = 0;
      for (let i = 0; i < BINS; i++) {
        const n = bins[i];
        if (n === 0) continue;
        const [low, width] = binRange(i);
        const high = low + width - 1;
        count += n;
        sum += n * (width === 1 ? low : low + width / 2);
        const b = LATENCY_BOUNDS.findIndex((le) => le >= high);
        if (b >= 0) perBound[b] += n;
      }
      let cum = 0;
      LATENCY_BOUNDS.forEach((le, b) => {
        cum += perBound[b];
        lines.push(`${name}_bucket{${base}le="${le}"} ${cum}`);
      });
      lines.push(`${name}_bucket{${base}le="+Inf"} ${count}`);
      const labels = ispDim ? `{isp="${escapeLabel(isp)}"}` : '';
      lines.push(`${name}_sum${labels} ${sum}`, `${name}_count${labels} ${count}`);
    }
    return `${lines.join('\n')}\n`;
  }

  /** The exposition text of a scrape. */
  async text(): Promise<string> {
    const text = `${await this.registry.metrics()}\n${this.latencyText()}`;
    this.release();
    return text;
  }

  contentType(): string {
    return this.registry.contentType;
  }
}
