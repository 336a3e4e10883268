import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface AcctRow {
  readonly type: 'd' | 'b' | 't' | 'tq' | 'f' | 'rb';
  /** Event time, epoch seconds. */
  readonly t: number;
  readonly rcpt: string;
  readonly ip?: string;
  readonly vmta?: string;
  readonly bounceCat?: string;
}

function time(t: number): string {
  return new Date(t * 1000).toISOString().replace('T', ' ').replace('.000Z', '+0000');
}

function cell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** An accounting file (in a fresh temporary directory) holding the rows; returns its path. */
export function writeAcct(rows: readonly AcctRow[], name = 'acct.csv'): string {
  return writeAcctIn(mkdtempSync(join(tmpdir(), 'pmta-acct-')), name, rows);
}

/** An accounting file `name` in `dir` holding the rows; returns its path. */
export function writeAcctIn(dir: string, name: string, rows: readonly AcctRow[]): string {
  const lines = ['type,timeLogged,timeQueued,rcpt,dlvSourceIp,vmta,bounceCat'];
  for (const r of rows)
    lines.push([r.type, time(r.t), time(r.t - 2), r.rcpt, r.ip ?? '', r.vmta ?? '', r.bounceCat ?? ''].map(cell).join(','));
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** n rows of one type, spread one second apart from `from`. */
export function rows(n: number, type: AcctRow['type'], from: number, rest: Omit<AcctRow, 'type' | 't'>): AcctRow[] {
  return Array.from({ length: n }, (_, i) => ({ type, t: from + i, ...rest }));
}
