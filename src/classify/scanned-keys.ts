/**
 * The classifier's caches keyed by the ids a scanner interned (RecordView.scannedKey): the
 * recipient domain's ISP and the sending IP's text and rollup ids. A scanner's ids mean something
 * only to that scanner and generation, so the caches start over when a record comes from another
 * one, or from the same one reset for another reader.
 */
import type { RecordView } from '../parse/record-view.js';
import { KEY_CELL, KEY_DOMAIN, type Scanner } from '../parse/scanner.js';
import type { Dictionary } from '../util/dictionary.js';
import { grownTo } from '../util/grow.js';
import { Translation } from './translation.js';

const UNSEEN = -1;

export class ScannedKeys {
  private source: Scanner | null = null;
  private generation = -1;
  /** Domain id → what `ispOf` said of it, or UNSEEN. */
  private ispOfDomain = new Int32Array(256).fill(UNSEEN);
  /**
   * Sending IP text by the scanner's id, null where not asked yet: filled without holes and emptied
   * in place, so that its elements kind (and the optimised code that reads it) never changes.
   */
  private readonly ipText: (string | null)[] = [];
  private readonly ipIds = new Translation();

  /** `ispOf(domain)` gives a domain's ISP id (never UNSEEN); it is asked once per domain. */
  constructor(private readonly ispOf: (domain: string) => number) {}

  /** Id in dict of the sending IP the scanner interned as k. */
  ipId(view: RecordView, k: number, dict: Dictionary): number {
    const scanner = this.sourceOf(view);
    // past the end (undefined) for a new id: no length test per record (Translation says why)
    const ip = this.ipText[k];
    return this.ipIds.id(dict, k, ip ?? this.addIp(scanner, k));
  }

  private addIp(scanner: Scanner, k: number): string {
    const texts = this.ipText;
    while (texts.length <= k) texts.push(null);
    const ip = scanner.keyText(KEY_CELL, k);
    texts[k] = ip;
    return ip;
  }

  /** The ISP id of the recipient domain the scanner interned as k. */
  isp(view: RecordView, k: number): number {
    const scanner = this.sourceOf(view);
    if (k >= this.ispOfDomain.length) this.ispOfDomain = grownTo(this.ispOfDomain, k, UNSEEN);
    let isp = this.ispOfDomain[k];
    if (isp === UNSEEN) {
      // the string the bytes path makes: ASCII lowered by the scanner, the rest here
      isp = this.ispOf(scanner.keyText(KEY_DOMAIN, k).toLowerCase());
      this.ispOfDomain[k] = isp;
    }
    return isp;
  }

  private sourceOf(view: RecordView): Scanner {
    const scanner = view.scanner as Scanner;
    if (scanner !== this.source || scanner.generation !== this.generation) {
      this.source = scanner;
      this.generation = scanner.generation;
      this.ispOfDomain = new Int32Array(256).fill(UNSEEN);
      this.ipText.length = 0;
      this.ipIds.clear();
    }
    return scanner;
  }
}
