/**
 * The one classifier: a record (as a RecordView) to its type, event time, latency, size, hard/soft
 * flag and dimension values. Column positions are resolved once per header; per record it reads
 * only the cells it is asked for, and caches what repeats (domain → ISP, MX host → ISP).
 */
import type { Header } from '../parse/header.js';
import type { RecordView } from '../parse/record-view.js';
import { parseTimestamp } from '../parse/time.js';
import type { IspMap } from './isp-map.js';
import { hasSendingIp, TYPE_B, TYPE_CODES, TYPE_D, TYPE_UNKNOWN, typeOf } from './record-type.js';

export const DIMENSIONS = ['isp', 'ip', 'vmta', 'pool', 'job', 'domain', 'bounceCat', 'type'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export function isDimension(s: string): s is Dimension {
  return (DIMENSIONS as readonly string[]).includes(s);
}

export interface ClassifyOptions {
  readonly isps: IspMap;
  /** bounceCat values that make a `b` record hard. */
  readonly hardCategories: ReadonlySet<string>;
}

/** Which column a record's event time comes from. */
export const TimeSource = { Logged: 0, Queued: 1, None: 2 } as const;
export type TimeSource = (typeof TimeSource)[keyof typeof TimeSource];

const QUOTE = 34;
const OTHER = 'other';

export class Classifier {
  private readonly opts: ClassifyOptions;
  private readonly ispByDomain = new Map<string, string>();
  private readonly ispByMxHost = new Map<string, string>();
  private headerKey = '';
  // column positions under the current header (-1 = absent)
  private cType = -1;
  private cTime = -1;
  private cQueued = -1;
  private cRcpt = -1;
  private cQueue = -1;
  private cMta = -1;
  private cIp = -1;
  private cVmta = -1;
  private cPool = -1;
  private cJob = -1;
  private cCat = -1;
  private cSize = -1;
  timeSource: TimeSource = TimeSource.None;

  // results of the last read()
  type = TYPE_UNKNOWN;
  /** Event time, epoch seconds; NaN when the header has no time column. */
  time = Number.NaN;

  constructor(opts: ClassifyOptions) {
    this.opts = opts;
  }

  /** Resolve columns for a header (cheap when it is the same as the last one). */
  use(header: Header): void {
    if (header.key === this.headerKey) return;
    this.headerKey = header.key;
    this.cType = header.col('type');
    this.cTime = header.col('timelogged');
    this.cQueued = header.col('timequeued');
    this.cRcpt = header.col('rcpt');
    this.cQueue = header.col('queue');
    this.cMta = header.col('dsnmta');
    this.cIp = header.col('dlvsourceip');
    this.cVmta = header.col('vmta');
    this.cPool = header.col('vmtapool');
    this.cJob = header.col('jobid');
    this.cCat = header.col('bouncecat');
    this.cSize = header.col('dlvsize');
    this.timeSource = this.cTime >= 0 ? TimeSource.Logged : this.cQueued >= 0 ? TimeSource.Queued : TimeSource.None;
  }

  /** Name of the time column in use (for messages). */
  timeColumnName(): string {
    return this.timeSource === TimeSource.Logged ? 'timeLogged' : this.timeSource === TimeSource.Queued ? 'timeQueued' : '';
  }

  /**
   * Read type and event time. Returns false when the record has a time column whose value cannot
   * be parsed (the caller reports it as a bad record).
   */
  read(view: RecordView): boolean {
    const bytes = view.bytes;
    this.type = this.cType >= 0 && this.cType < view.n ? typeOf(bytes, view.fieldStart(this.cType), view.fieldEnd(this.cType)) : TYPE_UNKNOWN;
    if (this.timeSource === TimeSource.None) {
      this.time = Number.NaN;
      return true;
    }
    const c = this.timeSource === TimeSource.Logged ? this.cTime : this.cQueued;
    this.time = c < view.n ? parseTimestamp(bytes, view.fieldStart(c), view.fieldEnd(c)) : Number.NaN;
    return !Number.isNaN(this.time);
  }

  /** The type cell as written (for counting unknown types by name). */
  typeText(view: RecordView): string {
    return view.text(this.cType);
  }

  /** Delivery latency in seconds (timeLogged - timeQueued) of a `d` record, or -1. */
  latency(view: RecordView): number {
    if (this.type !== TYPE_D || this.timeSource !== TimeSource.Logged || this.cQueued < 0 || this.cQueued >= view.n) return -1;
    const q = parseTimestamp(view.bytes, view.fieldStart(this.cQueued), view.fieldEnd(this.cQueued));
    if (Number.isNaN(q)) return -1;
    const d = this.time - q;
    return d < 0 ? 0 : d;
  }

  /** dlvSize of a `d` record in bytes (0 when absent). */
  bytes(view: RecordView): number {
    const c = this.cSize;
    if (this.type !== TYPE_D || c < 0 || c >= view.n) return 0;
    const s = view.bytes;
    let v = 0;
    for (let i = view.fieldStart(c), b = view.fieldEnd(c); i < b; i++) {
      const d = s[i] - 48;
      if (d < 0 || d > 9) return 0;
      v = v * 10 + d;
    }
    return v;
  }

  /** A `b` record whose bounceCat is a hard category. */
  hard(view: RecordView): boolean {
    return this.type === TYPE_B && this.opts.hardCategories.has(this.plain(view, this.cCat));
  }

  /** Cell text, with a fast path for the common unquoted ASCII cell. */
  private plain(view: RecordView, c: number): string {
    if (c < 0 || c >= view.n) return '';
    const a = view.fieldStart(c);
    const b = view.fieldEnd(c);
    if (a === b) return '';
    if (view.high || view.src.charCodeAt(a) === QUOTE) return view.text(c);
    return view.src.substring(a, b);
  }

  /** Recipient domain, lowercased; for records without rcpt (tq) the domain part of `queue`. */
  domain(view: RecordView): string {
    const c = this.cRcpt;
    if (c >= 0 && c < view.n) {
      const a = view.fieldStart(c);
      const b = view.fieldEnd(c);
      if (a < b) {
        const s = view.src;
        if (view.high || s.charCodeAt(a) === QUOTE) {
          const text = view.text(c);
          const at = text.lastIndexOf('@');
          return at < 0 ? '' : text.slice(at + 1).toLowerCase();
        }
        const at = s.lastIndexOf('@', b - 1);
        return at < a ? '' : s.substring(at + 1, b).toLowerCase();
      }
    }
    return this.queueDomain(view);
  }

  /** The domain part of `queue` (`domain/vmta`), lowercased. */
  private queueDomain(view: RecordView): string {
    const c = this.cQueue;
    if (c < 0 || c >= view.n) return '';
    const a = view.fieldStart(c);
    const b = view.fieldEnd(c);
    if (a === b) return '';
    const s = view.src;
    if (view.high || s.charCodeAt(a) === QUOTE) {
      const text = view.text(c);
      const slash = text.indexOf('/');
      return (slash < 0 ? text : text.slice(0, slash)).toLowerCase();
    }
    let slash = s.indexOf('/', a);
    if (slash < 0 || slash > b) slash = b;
    return s.substring(a, slash).toLowerCase();
  }

  /**
   * Mailbox provider: by recipient domain; for unknown domains by a `NAME.rollup` queue, then by
   * the dsnMta host's suffix (Google Workspace, Office 365...); else `other`.
   */
  isp(view: RecordView): string {
    const domain = this.domain(view);
    let isp = this.ispByDomain.get(domain);
    if (isp === undefined) {
      isp = (domain === '' ? undefined : this.opts.isps.ispOfDomain(domain)) ?? '';
      this.ispByDomain.set(domain, isp);
    }
    if (isp !== '') return isp;
    const queueDomain = this.queueDomain(view);
    if (queueDomain.endsWith('.rollup')) {
      const byQueue = this.opts.isps.ispOfDomain(queueDomain);
      if (byQueue !== undefined) return byQueue;
    }
    return this.ispOfMx(view);
  }

  private ispOfMx(view: RecordView): string {
    const mta = this.plain(view, this.cMta);
    if (mta === '') return OTHER;
    const paren = mta.indexOf(' (');
    const host = paren < 0 ? mta : mta.slice(0, paren);
    let isp = this.ispByMxHost.get(host);
    if (isp === undefined) {
      isp = this.opts.isps.ispOfMx(host) ?? OTHER;
      this.ispByMxHost.set(host, isp);
    }
    return isp;
  }

  /** Our sending IP: dlvSourceIp of d, b, t and tq records only (in f it is the provider's). */
  ip(view: RecordView): string {
    return hasSendingIp(this.type) ? this.plain(view, this.cIp) : '';
  }

  vmta(view: RecordView): string {
    return this.plain(view, this.cVmta);
  }

  pool(view: RecordView): string {
    return this.plain(view, this.cPool);
  }

  job(view: RecordView): string {
    return this.plain(view, this.cJob);
  }

  bounceCat(view: RecordView): string {
    return this.plain(view, this.cCat);
  }

  typeName(view: RecordView): string {
    return this.type === TYPE_UNKNOWN ? this.typeText(view) : TYPE_CODES[this.type];
  }

  /** The value of dimension `d` (an index into DIMENSIONS) for the record just read. */
  dimension(d: number, view: RecordView): string {
    switch (d) {
      case 0: return this.isp(view);
      case 1: return this.ip(view);
      case 2: return this.vmta(view);
      case 3: return this.pool(view);
      case 4: return this.job(view);
      case 5: return this.domain(view);
      case 6: return this.bounceCat(view);
      default: return this.typeName(view);
    }
  }
}

/** Index of a dimension in DIMENSIONS, for Classifier.dimension(). */
export function dimensionIndex(d: Dimension): number {
  return DIMENSIONS.indexOf(d);
}
