/**
 * What every human format (table, Markdown, HTML) says about a report's input, as plain sentences:
 * records left out and why, data known lost (a state's gaps), and the count of bad records by code.
 * Each renderer makes them safe for its medium and lists the first bad records its own way. One
 * list, so that a nightly report mailed as Markdown or HTML says DATA LOST as the table does.
 */
import type { InputSummary } from '../model/model.js';
import { formatCount } from './format.js';

/** `1 record`, `2 records`. */
function counted(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function was(n: number): string {
  return n === 1 ? 'was' : 'were';
}

export function inputNotes(i: InputSummary): string[] {
  const notes: string[] = [];
  if (i.filtered > 0) notes.push(`${counted(i.filtered, 'record')} outside the time range ${was(i.filtered)} not counted.`);
  if (i.untimed > 0)
    notes.push(
      `${counted(i.untimed, 'record')} ${i.untimed === 1 ? 'has' : 'have'} no time column and ${was(i.untimed)} left out of the time range.`,
    );
  for (const [type, n] of Object.entries(i.unknownTypes))
    notes.push(`${counted(n, 'record')} of unknown type '${type}' ${was(n)} not counted.`);
  for (const g of i.gaps ?? []) notes.push(`DATA LOST: ${g.path}: ${g.reason}`);
  if (i.badRecords > 0 || i.warnings > 0) {
    const codes = Object.entries(i.problemCounts)
      .map(([code, n]) => `${code} ${formatCount(n ?? 0)}`)
      .join(', ');
    notes.push(
      `${counted(i.badRecords, 'bad record')}, ${counted(i.warnings, 'warning')} (${codes})${i.problems.length > 0 ? '; the first:' : '.'}`,
    );
  }
  return notes;
}
