/**
 * The one classifier: a record (as a RecordView) to its type, event time, latency, size, hard/soft
 * flag and dimension values. Column positions are resolved once per header; per record it reads
 * only the cells it is asked for, straight from the input bytes, and caches what repeats
 * (domain → ISP, MX host → ISP) by interned id.
 */
import type { Header } from '../parse/header.js';
import type { ScanColumns } from '../parse/reader.js';
import type { RecordView } from '../parse/record-view.js';
import { KEY_CELL, KEY_DOMAIN } from '../parse/scanner.js';
import { parseTimestamp } from '../parse/time.js';
import { Dictionary } from '../util/dictionary.js';
import { grownTo } from '../util/grow.js';
import { DiagMasker } from './diag.js';
import { ScannedKeys } from './scanned-keys.js';
import { Translation } from './translation.js';
import { DIMENSIONS, OUTCOMES, type FieldIndex } from './fields.js';
import type { IspMap } from './isp-map.js';
import { hasSendingIp, TYPE_B, TYPE_CODES, TYPE_D, TYPE_UNKNOWN, typeOf } from './record-type.js';
import { isOneOf } from '../util/one-of.js';

export { DIMENSIONS };
export type Dimension = (typeof DIMENSIONS)[number];

export function isDimension(s: string): s is Dimension {
  return isOneOf(DIMENSIONS, s);
}

/** Index of a dimension in DIMENSIONS, for Classifier.dimensionId(). */
export function dimensionIndex(d: Dimension): number {
  return DIMENSIONS.indexOf(d);
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
const AT = 64;
const SLASH = 47;
const SPACE = 32;
const OTHER = 'other';
const ROLLUP = '.rollup';
/** ISP of a domain id not looked up yet, or not known by domain. */
const UNSEEN = -1;
const UNKNOWN = -2;
/** Not looked up yet, in the caches by id that hold other numbers (hardOfCat). */
const NOT_ASKED = -3;
/** Distinct diag templates kept for diag() before the cache starts over (memory stays bounded). */
const DIAG_CACHE = 50_000;

export class Classifier {
  private readonly opts: ClassifyOptions;
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
  private cXJob = -1;
  private cCat = -1;
  private cSize = -1;
  private cDiag = -1;
  timeSource: TimeSource = TimeSource.None;
  private scanCols: ScanColumns = [-1, -1, -1, -1];
  /** What the ids of the scanned dlvSourceIp and rcpt domain mean (ISP: ispNames id or UNKNOWN). */
  private readonly scanned = new ScannedKeys((domain) => this.ispOfDomain(this.domains.id(domain)));
  // caches: domains, queue domains and MX hosts by interned id → ISP name
  private readonly domains = new Dictionary();
  private ispOfDomainId = new Int32Array(256).fill(UNSEEN);
  private readonly ispNames = new Dictionary();
  private readonly queueDomains = new Dictionary();
  private readonly ispOfQueueDomain: number[] = [];
  private readonly mxHosts = new Dictionary();
  private readonly ispOfMxHost: number[] = [];
  private readonly hardCats = new Dictionary();
  /** By hardCats id: 1 hard, 0 not, NOT_ASKED (an Int32Array read within its length: no bail-out when it grows). */
  private hardOfCat = new Int32Array(16).fill(NOT_ASKED);
  /** ispNames id → id in the dictionaries asked for (a rollup's isp dimension). */
  private readonly ispIds = new Translation();
  /** ispNames id of the record just read, once asked for (-1 before): a second rollup asks again. */
  private ispOfRecord = -1;
  private readonly jobs = new Dictionary();
  private readonly diagMasker = new DiagMasker();
  private diagTexts = new Dictionary();
  /** Byte range of the last domain() (into view.bytes), or a decoded text when quoted/odd. */
  private domA = 0;
  private domB = 0;
  private domText: string | null = null;

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
    this.cXJob = header.col('header_x-job');
    this.cCat = header.col('bouncecat');
    this.cSize = header.col('dlvsize');
    this.cDiag = header.col('dsndiag');
    this.timeSource = this.cTime >= 0 ? TimeSource.Logged : this.cQueued >= 0 ? TimeSource.Queued : TimeSource.None;
  }

  /**
   * The cells worth reading in bulk under the current header (RecordSink.scanColumns): the event
   * time's, timeQueued (for latency), and, when asked for, dlvSourceIp and rcpt's domain.
   */
  scanColumns(ip: boolean, domain: boolean): ScanColumns {
    const event = this.timeSource === TimeSource.Logged ? this.cTime : this.timeSource === TimeSource.Queued ? this.cQueued : -1;
    const queued = event === this.cQueued ? -1 : this.cQueued;
    const cell = ip ? this.cIp : -1;
    const rcpt = domain ? this.cRcpt : -1;
    const now = this.scanCols;
    if (event !== now[0] || queued !== now[1] || cell !== now[2] || rcpt !== now[3]) this.scanCols = [event, queued, cell, rcpt];
    return this.scanCols;
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
    this.ispOfRecord = -1;
    this.type =
      this.cType >= 0 && this.cType < view.n ? typeOf(bytes, view.fieldStart(this.cType), view.fieldEnd(this.cType)) : TYPE_UNKNOWN;
    if (this.timeSource === TimeSource.None) {
      this.time = Number.NaN;
      return true;
    }
    const c = this.timeSource === TimeSource.Logged ? this.cTime : this.cQueued;
    const scanned = view.scannedTime(c);
    this.time = scanned >= 0 ? scanned : c < view.n ? parseTimestamp(bytes, view.fieldStart(c), view.fieldEnd(c)) : Number.NaN;
    return !Number.isNaN(this.time);
  }

  /** The type cell as written (for counting unknown types by name). */
  typeText(view: RecordView): string {
    return view.text(this.cType);
  }

  /** Delivery latency in seconds (timeLogged - timeQueued) of a `d` record, or -1. */
  latency(view: RecordView): number {
    if (this.type !== TYPE_D || this.timeSource !== TimeSource.Logged || this.cQueued < 0 || this.cQueued >= view.n) return -1;
    const scanned = view.scannedTime(this.cQueued);
    const q = scanned >= 0 ? scanned : parseTimestamp(view.bytes, view.fieldStart(this.cQueued), view.fieldEnd(this.cQueued));
    if (Number.isNaN(q)) return -1;
    const d = this.time - q;
    return d < 0 ? 0 : d;
  }

  /** dlvSize of a `d` record in bytes (0 when absent or not a number). */
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
    if (this.type !== TYPE_B) return false;
    const id = this.cellId(view, this.cCat, this.hardCats, false);
    const known = id < this.hardOfCat.length ? this.hardOfCat[id] : NOT_ASKED;
    return known === NOT_ASKED ? this.hardCategory(id) : known === 1;
  }

  private hardCategory(id: number): boolean {
    if (id >= this.hardOfCat.length) this.hardOfCat = grownTo(this.hardOfCat, id, NOT_ASKED);
    const hard = this.opts.hardCategories.has(this.hardCats.values[id]);
    this.hardOfCat[id] = hard ? 1 : 0;
    return hard;
  }

  /** Id in dict of dlvSourceIp: by the scanner's id when it has one, else from the cell. */
  private ipId(view: RecordView, dict: Dictionary): number {
    const k = view.scannedKey(KEY_CELL, this.cIp);
    return k < 0 ? this.cellId(view, this.cIp, dict, false) : this.scanned.ipId(view, k, dict);
  }

  /** Id in dict of the value of column c (a header position; -1 or past the record: ''). */
  columnId(c: number, view: RecordView, dict: Dictionary): number {
    return this.cellId(view, c, dict, false);
  }

  /** Id of cell c's value in dict: in place from the bytes unless the cell is quoted. */
  private cellId(view: RecordView, c: number, dict: Dictionary, lower: boolean): number {
    if (c < 0 || c >= view.n) return dict.id('');
    const a = view.fieldStart(c);
    const b = view.fieldEnd(c);
    if (a < b && view.bytes[a] === QUOTE) return dict.id(lower ? view.text(c).toLowerCase() : view.text(c));
    return dict.idOfBytes(view.bytes, a, b, lower);
  }

  /**
   * Find the recipient domain: the part of rcpt after its last '@' or, for records without rcpt
   * (tq), the part of `queue` before '/'. Sets domA/domB (or domText for quoted cells).
   */
  private findDomain(view: RecordView): void {
    this.domText = null;
    const c = this.cRcpt;
    const bytes = view.bytes;
    if (c >= 0 && c < view.n) {
      const a = view.fieldStart(c);
      const b = view.fieldEnd(c);
      if (a < b) {
        if (bytes[a] === QUOTE) {
          const text = view.text(c);
          const at = text.lastIndexOf('@');
          this.domText = at < 0 ? '' : text.slice(at + 1).toLowerCase();
          return;
        }
        let i = b - 1;
        while (i >= a && bytes[i] !== AT) i--;
        this.domA = i < a ? b : i + 1;
        this.domB = b;
        return;
      }
    }
    this.queueDomainRange(view);
  }

  /** The domain part of `queue` (`domain/vmta`) into domA/domB. */
  private queueDomainRange(view: RecordView): void {
    const c = this.cQueue;
    this.domText = null;
    if (c < 0 || c >= view.n) {
      this.domA = this.domB = 0;
      return;
    }
    const a = view.fieldStart(c);
    const b = view.fieldEnd(c);
    const bytes = view.bytes;
    if (a < b && bytes[a] === QUOTE) {
      const text = view.text(c);
      const slash = text.indexOf('/');
      this.domText = (slash < 0 ? text : text.slice(0, slash)).toLowerCase();
      return;
    }
    let i = a;
    while (i < b && bytes[i] !== SLASH) i++;
    this.domA = a;
    this.domB = i;
  }

  private domainIdIn(view: RecordView, dict: Dictionary): number {
    return this.domText === null ? dict.idOfBytes(view.bytes, this.domA, this.domB, true) : dict.id(this.domText);
  }

  /** Recipient domain id in dict (lowercased). */
  domainId(view: RecordView, dict: Dictionary): number {
    this.findDomain(view);
    return this.domainIdIn(view, dict);
  }

  /** Mailbox provider id (see isp()) in dict, through a per-dict translation of ispNames ids. */
  private ispIdIn(view: RecordView, dict: Dictionary): number {
    const own = this.ispNameId(view);
    return this.ispIds.id(dict, own, this.ispNames.values[own]);
  }

  /** Recipient domain (lowercased), interned: no new string for a domain seen before. */
  domain(view: RecordView): string {
    return this.domains.values[this.domainId(view, this.domains)];
  }

  /**
   * Id in dict of the job: jobId, or for records without one the `header_X-job` column, which
   * PowerMTA logs by default in f records (and bounce processors in rb records): so complaints
   * and remote bounces count under the job that sent the mail.
   */
  jobId(view: RecordView, dict: Dictionary): number {
    const c = this.cXJob >= 0 && view.isEmpty(this.cJob) ? this.cXJob : this.cJob;
    return this.cellId(view, c, dict, false);
  }

  /** The job (see jobId), interned. */
  job(view: RecordView): string {
    return this.jobs.values[this.jobId(view, this.jobs)];
  }

  /** `outcome` of the record just read: its type, with `b` split into hard-bounce / soft-bounce. */
  outcome(view: RecordView): string {
    const t = this.type;
    if (t === TYPE_UNKNOWN) return '';
    if (t === TYPE_D) return OUTCOMES[0];
    if (t === TYPE_B) return this.hard(view) ? OUTCOMES[1] : OUTCOMES[2];
    return OUTCOMES[t + 1];
  }

  /** Id in dict of the dsnDiag template (classify/diag.ts), masked from the bytes in place. */
  diagId(view: RecordView, dict: Dictionary): number {
    const c = this.cDiag;
    if (c < 0 || c >= view.n) return dict.id('');
    const m = this.diagMasker;
    return dict.idOfBytes(m.out, 0, m.maskCell(view.bytes, view.fieldStart(c), view.fieldEnd(c)), false);
  }

  /** The dsnDiag template as a string (interned; bounded cache). */
  diag(view: RecordView): string {
    if (this.diagTexts.size >= DIAG_CACHE) this.diagTexts = new Dictionary();
    return this.diagTexts.values[this.diagId(view, this.diagTexts)];
  }

  /**
   * Mailbox provider: by recipient domain; for unknown domains by a `NAME.rollup` queue, then by
   * the dsnMta host's suffix (Google Workspace, Office 365...); else `other`.
   */
  isp(view: RecordView): string {
    return this.ispNames.values[this.ispNameId(view)];
  }

  /** isp() as an id in this.ispNames: no string work per record once a domain has been seen. */
  private ispNameId(view: RecordView): number {
    if (this.ispOfRecord < 0) this.ispOfRecord = this.findIspNameId(view);
    return this.ispOfRecord;
  }

  private findIspNameId(view: RecordView): number {
    const k = view.scannedKey(KEY_DOMAIN, this.cRcpt);
    let isp: number;
    if (k >= 0) isp = this.scanned.isp(view, k);
    else {
      this.findDomain(view);
      isp = this.ispOfDomain(this.domainIdIn(view, this.domains));
    }
    return isp !== UNKNOWN ? isp : this.ispOfQueueOrMx(view);
  }

  /** ISP (ispNames id) of a domain (this.domains id) by the ISP map, or UNKNOWN. */
  private ispOfDomain(d: number): number {
    if (d >= this.ispOfDomainId.length) this.ispOfDomainId = grownTo(this.ispOfDomainId, d, UNSEEN);
    let isp = this.ispOfDomainId[d];
    if (isp === UNSEEN) {
      const domain = this.domains.values[d];
      const name = domain === '' ? undefined : this.opts.isps.ispOfDomain(domain);
      isp = name === undefined ? UNKNOWN : this.ispNames.id(name);
      this.ispOfDomainId[d] = isp;
    }
    return isp;
  }

  /** For a domain the ISP map does not know: by a `NAME.rollup` queue, else by the MX host. */
  private ispOfQueueOrMx(view: RecordView): number {
    const byQueue = this.ispOfQueue(view);
    return byQueue >= 0 ? byQueue : this.ispOfMx(view);
  }

  /** ISP id of a `NAME.rollup` queue, or -1. */
  private ispOfQueue(view: RecordView): number {
    this.queueDomainRange(view);
    const q = this.domainIdIn(view, this.queueDomains);
    let isp = this.ispOfQueueDomain[q];
    if (isp === undefined) {
      const name = this.queueDomains.values[q];
      const found = name.endsWith(ROLLUP) ? this.opts.isps.ispOfDomain(name) : undefined;
      isp = found === undefined ? -1 : this.ispNames.id(found);
      this.ispOfQueueDomain[q] = isp;
    }
    return isp;
  }

  /** ISP id by the dsnMta host's suffix, else the id of `other`. */
  private ispOfMx(view: RecordView): number {
    const c = this.cMta;
    if (c < 0 || c >= view.n) return this.ispNames.id(OTHER);
    const a = view.fieldStart(c);
    const b = view.fieldEnd(c);
    if (a === b) return this.ispNames.id(OTHER);
    const bytes = view.bytes;
    let id: number;
    if (bytes[a] === QUOTE) {
      const text = view.text(c);
      const paren = text.indexOf(' (');
      id = this.mxHosts.id((paren < 0 ? text : text.slice(0, paren)).toLowerCase());
    } else {
      let i = a;
      while (i < b && !(bytes[i] === SPACE && bytes[i + 1] === 40)) i++;
      id = this.mxHosts.idOfBytes(bytes, a, i, true);
    }
    let isp = this.ispOfMxHost[id];
    if (isp === undefined) {
      isp = this.ispNames.id(this.opts.isps.ispOfMx(this.mxHosts.values[id]) ?? OTHER);
      this.ispOfMxHost[id] = isp;
    }
    return isp;
  }

  /**
   * The id in dict of derived field `d` (an index into DERIVED_FIELDS of fields.ts: DIMENSIONS,
   * then outcome, hard, latency, diag) for the record just read.
   */
  dimensionId(d: number, view: RecordView, dict: Dictionary): number {
    // Literal cases (a jump table on the hot path), each checked against DERIVED_FIELDS' order by
    // the compiler: `satisfies` leaves the number as it is in the emitted code.
    switch (d) {
      case 0 satisfies FieldIndex<'isp'>:
        return this.ispIdIn(view, dict);
      case 1 satisfies FieldIndex<'ip'>:
        return hasSendingIp(this.type) ? this.ipId(view, dict) : dict.id('');
      case 2 satisfies FieldIndex<'vmta'>:
        return this.cellId(view, this.cVmta, dict, false);
      case 3 satisfies FieldIndex<'pool'>:
        return this.cellId(view, this.cPool, dict, false);
      case 4 satisfies FieldIndex<'job'>:
        return this.jobId(view, dict);
      case 5 satisfies FieldIndex<'domain'>:
        return this.domainId(view, dict);
      case 6 satisfies FieldIndex<'bounceCat'>:
        return this.cellId(view, this.cCat, dict, false);
      case 7 satisfies FieldIndex<'type'>:
        return dict.id(this.type === TYPE_UNKNOWN ? this.typeText(view) : TYPE_CODES[this.type]);
      case 8 satisfies FieldIndex<'outcome'>:
        return dict.id(this.outcome(view));
      case 9 satisfies FieldIndex<'hard'>:
        return dict.id(this.hard(view) ? 'true' : 'false');
      case 10 satisfies FieldIndex<'latency'>: {
        const latency = this.latency(view);
        return dict.id(latency < 0 ? '' : String(latency));
      }
      case 11 satisfies FieldIndex<'diag'>:
        return this.diagId(view, dict);
      default:
        throw new RangeError(`no derived field ${d}`);
    }
  }
}
