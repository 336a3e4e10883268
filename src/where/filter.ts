/**
 * The --where filter of a run: the prepared plan, compiled once per distinct header (and kept, so
 * alternating headers are not recompiled), tested per record after the classifier's read().
 */
import type { Classifier } from '../classify/classifier.js';
import type { Header } from '../parse/header.js';
import type { RecordView } from '../parse/record-view.js';
import type { Bucketing } from '../rollup/buckets.js';
import { compilePlan, type RecordTest } from './compile.js';
import type { PreparedFilter } from './plan.js';

export class RecordFilter {
  private readonly compiled = new Map<string, RecordTest>();
  private current: RecordTest = () => true;

  constructor(
    readonly prepared: PreparedFilter,
    private readonly classifier: Classifier,
    private readonly bucketing: Bucketing,
  ) {}

  /** Switch to a header (the classifier must already use it). */
  use(header: Header): void {
    let t = this.compiled.get(header.key);
    if (t === undefined) {
      t = compilePlan(this.prepared.plan, { header, classifier: this.classifier, bucketing: this.bucketing });
      this.compiled.set(header.key, t);
    }
    this.current = t;
  }

  test(view: RecordView): boolean {
    return this.current(view);
  }
}
