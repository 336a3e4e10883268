/**
 * The --where condition split for ClickHouse (clickhouse/where-sql.ts whereParts): narrow typed
 * columns in the cheap part (PREWHERE), regexes and wide cells in the costly part (WHERE), and a
 * condition that cannot be split whole in the cheap part. The answers are compared with the files
 * in records.e2e.test.ts; this checks where each test lands.
 */
import { describe, expect, it } from 'vitest';
import { HeaderIndex } from '../../src/clickhouse/header-index.js';
import { Literals } from '../../src/clickhouse/literals.js';
import { whereParts } from '../../src/clickhouse/where-sql.js';
import { prepareFilter } from '../../src/where/plan.js';

function parts(text: string) {
  const filter = prepareFilter(text, { tz: 'UTC', now: 0 });
  return whereParts({ filter, lits: new Literals(), headers: new HeaderIndex([]), hashRecipient: (a) => `h:${a}` });
}

describe('whereParts', () => {
  it('puts narrow columns in the cheap part, regexes and wide cells in the costly one', () => {
    const p = parts('isp = gmail and type in (b, t) and dsnDiag ~ /5\\.7\\./');
    expect(p.cheap).toMatch(/isp/);
    expect(p.cheap).toMatch(/type/);
    expect(p.cheap).not.toMatch(/dsn_diag|match\(/);
    expect(p.costly).toMatch(/match\(substringUTF8\(dsn_diag/);
    const q = parts("jobId != '' and rcpt = 'a@b.example' and vmta like 'gm-*'");
    expect(q.cheap).toMatch(/rcpt_hash/);
    expect(q.costly).toMatch(/col_values/);
    expect(q.costly).toMatch(/match\(/);
  });

  it('keeps a condition whole in the cheap part when it has no cheap or no costly conjunct', () => {
    expect(parts('dsnDiag ~ /user/ and jobId != x').costly).toBe('1');
    expect(parts('isp = gmail or dsnDiag ~ /user/').costly).toBe('1');
    expect(parts('isp = gmail and type = b').costly).toBe('1');
  });
});
