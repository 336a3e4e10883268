/**
 * The daily summary `report --save DIR` records, one file per local day (`DIR/2026-11-28.json`),
 * so that `--compare` reads a week of history in milliseconds instead of a week of logs. A small,
 * versioned JSON document: the day's counters and latency histogram per ISP and per sending IP
 * (totals are their sum, so they are not stored twice):
 *
 *   { "format": "pmta-acct-day", "version": 1, "day": "2026-11-28", "tz": "America/New_York",
 *     "since": "2026-11-28T00:00:00-05:00", "until": "2026-11-29T00:00:00-05:00",
 *     "input": { "files": 4, "records": 6000, "badRecords": 0 },
 *     "counters": ["delivered", "deferred", ...],
 *     "isp": [ { "key": "gmail", "counts": [2105, 87, ...], "latency": [[2, 310], [3, 1200], ...] } ],
 *     "ip": [ ... ],
 *     "incidents": { "count": 3, "crit": 2, "seconds": 15600 } }
 *
 * `counts` follow `counters` by position (a reader maps them by name, so counters added later are
 * read by older versions as unknown and ignored); `latency` holds the non-empty bins of the rollup's
 * log-linear histogram (rollup/latency.ts) as [bin, count]. `incidents` (added in the same version:
 * absent in older files, read as unknown) counts the incidents whose first window ended in the day,
 * judged with the rules of the report that saved it. A change of meaning bumps `version`.
 */
import { messageOf, PmtaAcctError } from '../errors.js';
import { COUNTER_NAMES, STRIDE } from '../rollup/counters.js';
import { BINS } from '../rollup/latency.js';
import { Rollup, type RollupData } from '../rollup/rollup.js';
import { isoInZone } from '../util/zone.js';
import { parseTime } from '../parse/time.js';

export const DAY_FORMAT = 'pmta-acct-day';
export const DAY_VERSION = 1;

export interface DayInput {
  readonly files: number;
  readonly records: number;
  readonly badRecords: number;
}

export interface DaySummary {
  /** Local date `YYYY-MM-DD` in `tz`. */
  readonly day: string;
  readonly tz: string;
  /** [since, until): the local day, epoch seconds. */
  readonly since: number;
  readonly until: number;
  readonly input: DayInput;
  /** Rollups without buckets, by `isp` and by `ip`. */
  readonly isp: Rollup;
  readonly ip: Rollup;
  /** The day's incidents, or null when not judged (--no-verdicts, or a file from before they were saved). */
  readonly incidents: DayIncidents | null;
}

export interface DayIncidents {
  readonly count: number;
  /** How many reached CRIT. */
  readonly crit: number;
  /** Their durations added up. */
  readonly seconds: number;
}

interface GroupJson {
  key: string;
  counts: number[];
  latency?: [number, number][];
}

function groupsJson(r: Rollup): GroupJson[] {
  const out: GroupJson[] = [];
  for (let g = 0; g < r.size; g++) {
    const counts = Array.from(r.counters.subarray(g * STRIDE, g * STRIDE + STRIDE));
    const item: GroupJson = { key: r.valueOf(g, 0), counts };
    const slot = r.histSlots[g];
    if (slot >= 0) {
      const bins: [number, number][] = [];
      for (let i = 0; i < BINS; i++) if (r.hist[slot * BINS + i] > 0) bins.push([i, r.hist[slot * BINS + i]]);
      item.latency = bins;
    }
    out.push(item);
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function encodeDay(s: DaySummary): string {
  const doc = {
    format: DAY_FORMAT,
    version: DAY_VERSION,
    day: s.day,
    tz: s.tz,
    since: isoInZone(s.since, s.tz),
    until: isoInZone(s.until, s.tz),
    input: s.input,
    counters: COUNTER_NAMES,
    isp: groupsJson(s.isp),
    ip: groupsJson(s.ip),
    ...(s.incidents === null ? {} : { incidents: s.incidents }),
  };
  return `${JSON.stringify(doc)}\n`;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

class DayReader {
  constructor(readonly file: string) {}

  fail(field: string, problem: string): never {
    throw new PmtaAcctError('STATE', `${field}: ${problem}`, { at: { file: this.file } });
  }

  object(v: Json | undefined, field: string): { [k: string]: Json } {
    if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) this.fail(field, 'expected an object');
    return v;
  }

  array(v: Json | undefined, field: string): Json[] {
    if (!Array.isArray(v)) this.fail(field, 'expected an array');
    return v;
  }

  string(v: Json | undefined, field: string): string {
    if (typeof v !== 'string') this.fail(field, 'expected a string');
    return v;
  }

  count(v: Json | undefined, field: string): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) this.fail(field, 'expected a whole number >= 0');
    return v;
  }

  time(v: Json | undefined, field: string): number {
    const t = parseTime(this.string(v, field));
    if (Number.isNaN(t)) this.fail(field, 'expected an ISO 8601 time');
    return t;
  }

  incidents(v: Json): DayIncidents {
    const o = this.object(v, 'incidents');
    return {
      count: this.count(o.count, 'incidents.count'),
      crit: this.count(o.crit, 'incidents.crit'),
      seconds: this.count(o.seconds, 'incidents.seconds'),
    };
  }

  rollup(v: Json | undefined, field: string, dim: string, names: readonly string[]): Rollup {
    const list = this.array(v, field);
    const at = COUNTER_NAMES.map((n) => names.indexOf(n));
    const values: string[] = [];
    const counters = new Float64Array(list.length * STRIDE);
    const histSlots = new Int32Array(list.length).fill(-1);
    const hist: number[] = [];
    list.forEach((item, g) => {
      const o = this.object(item, `${field}[${g}]`);
      values.push(this.string(o.key, `${field}[${g}].key`));
      const counts = this.array(o.counts, `${field}[${g}].counts`);
      if (counts.length !== names.length) this.fail(`${field}[${g}].counts`, `expected ${names.length} numbers (one per counter)`);
      at.forEach((i, c) => {
        if (i >= 0) counters[g * STRIDE + c] = this.count(counts[i], `${field}[${g}].counts[${i}]`);
      });
      if (o.latency !== undefined) {
        const bins = new Array<number>(BINS).fill(0);
        for (const [k, pair] of this.array(o.latency, `${field}[${g}].latency`).entries()) {
          const p = this.array(pair, `${field}[${g}].latency[${k}]`);
          const bin = this.count(p[0], `${field}[${g}].latency[${k}][0]`);
          if (bin >= BINS) this.fail(`${field}[${g}].latency[${k}][0]`, `bin ${bin} is out of range (0-${BINS - 1})`);
          bins[bin] += this.count(p[1], `${field}[${g}].latency[${k}][1]`);
        }
        histSlots[g] = hist.length / BINS;
        hist.push(...bins);
      }
    });
    const data: RollupData = {
      dims: [dim],
      values: [values],
      buckets: [null],
      groups: list.length,
      keys: Int32Array.from(values.flatMap((_, g) => [0, g])),
      counters,
      histSlots,
      hist: Uint32Array.from(hist),
    };
    return Rollup.fromData(data);
  }
}

/** Read a day summary; a file that does not validate is a STATE error naming the file and field. */
export function decodeDay(text: string, file: string): DaySummary {
  const r = new DayReader(file);
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (err) {
    return r.fail('(file)', `not JSON (${messageOf(err)})`);
  }
  const o = r.object(doc, '(file)');
  if (o.format !== DAY_FORMAT) r.fail('format', `expected "${DAY_FORMAT}"`);
  if (o.version !== DAY_VERSION)
    r.fail('version', `version ${JSON.stringify(o.version)} is not supported (this pmta-acct reads ${DAY_VERSION})`);
  const names = r.array(o.counters, 'counters').map((n, i) => r.string(n, `counters[${i}]`));
  const input = r.object(o.input, 'input');
  return {
    day: r.string(o.day, 'day'),
    tz: r.string(o.tz, 'tz'),
    since: r.time(o.since, 'since'),
    until: r.time(o.until, 'until'),
    input: {
      files: r.count(input.files, 'input.files'),
      records: r.count(input.records, 'input.records'),
      badRecords: r.count(input.badRecords, 'input.badRecords'),
    },
    isp: r.rollup(o.isp, 'isp', 'isp', names),
    ip: r.rollup(o.ip, 'ip', 'ip', names),
    incidents: o.incidents === undefined ? null : r.incidents(o.incidents),
  };
}
