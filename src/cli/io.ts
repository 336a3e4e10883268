/** Where text goes: stdout, a file (written whole, then renamed into place), stderr warnings. */
import { renameSync, writeFileSync } from 'node:fs';
import { terminalSafe } from '../report/sanitize.js';

export function writeOutput(text: string, file: string | undefined): void {
  if (file === undefined || file === '-') {
    process.stdout.write(text);
    return;
  }
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export function warn(message: string): void {
  process.stderr.write(`pmta-acct: ${terminalSafe(message)}\n`);
}

/** Colour only for a terminal, and never when NO_COLOR is set or TERM is dumb. */
export function useColor(file: string | undefined): boolean {
  if (file !== undefined && file !== '-') return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.TERM === 'dumb') return false;
  return process.stdout.isTTY === true;
}
