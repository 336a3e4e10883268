/**
 * Live files that share record types. `tail` follows every live file it is given, each with its
 * rotations, into one state: right when PowerMTA's config splits record types over several
 * `<acct-file>` blocks (d,b in one, t,tq in the other), but when two blocks write the same type
 * (all records in one, b again in another for a bounce processor), every record of that type is
 * counted once per file, for good. `report` over a directory says the same of its streams
 * (source/streams.ts); `tail` names its files itself, so it is said of them, at each start.
 *
 * Only what the files show can be said: the record types among the first 64 KiB of each; a live
 * file just rotated (its header alone) shows none and says nothing until the next start.
 */
import { sampleTypes } from '../../source/streams.js';

/** The warning for live files that share record types, or null. */
export function overlappingLiveFiles(lives: readonly string[]): string | null {
  if (lives.length < 2) return null;
  const types = lives.map((l) => sampleTypes(l));
  for (let i = 0; i < lives.length; i++) {
    for (let j = i + 1; j < lives.length; j++) {
      const shared = [...types[j]].filter((t) => types[i].has(t)).sort();
      if (shared.length === 0) continue;
      return (
        `${lives[i]} and ${lives[j]} both hold ${shared.join(', ')} records: tail counts every file it follows, so those ` +
        `records are counted twice into the state. Follow only <acct-file>s whose records do not overlap ` +
        `(for example records d,b in one and t,tq in the other)`
      );
    }
  }
  return null;
}
