import { describe, expect, it } from 'vitest';
import { HeaderIndex } from '../../src/clickhouse/header-index.js';
import { Literals } from '../../src/clickhouse/literals.js';
import { headerIdOf } from '../../src/clickhouse/records-schema.js';

const A = ['type', 'timeLogged', 'jobId', 'timeQueued'];
const B = ['type', 'timeQueued', 'dlvSize'];

describe('HeaderIndex: a column by the row header', () => {
  const index = new HeaderIndex([
    { header_id: headerIdOf(A), names: A },
    { header_id: headerIdOf(B), names: B },
    { header_id: headerIdOf(A), names: A },
    { header_id: "x'; DROP TABLE records", names: ['evil'] },
  ]);

  it('picks the 1-based position per header id, only headers that have the column', () => {
    const sql = index.cell('jobid', new Literals());
    expect(sql).toContain(`transform(header_id, ['${headerIdOf(A)}'], [3], 0)`);
    expect(sql).toContain("indexOf(col_keys, 'jobid')");
    expect(index.cell('dlvsize', new Literals())).toContain(`['${headerIdOf(B)}'], [3]`);
  });

  it('positions time columns among the header time columns', () => {
    const t = index.time('timequeued', new Literals());
    expect(t.value).toContain(`transform(header_id, ['${headerIdOf(A)}', '${headerIdOf(B)}'], [2, 1], 0)`);
    expect(t.present).toContain('!= -9007199254740991');
  });

  it('a column no header has reads as absent, never a constant index 0 (refused by ClickHouse)', () => {
    expect(index.cell('nosuch', new Literals())).toContain('toUInt64(0)');
    expect(index.time('timenone', new Literals()).present).toMatch(/, 0\)$/);
  });

  it('a name outside the label alphabet travels as a literal, ids that are not hex are dropped', () => {
    const lits = new Literals();
    expect(index.cell("it's", lits)).toContain('(SELECT s FROM literals WHERE i = 0)');
    expect(lits.rows[0].s).toBe("it's");
    expect(index.names(headerIdOf(B))).toEqual(B);
    expect(JSON.stringify(index)).not.toContain('DROP');
  });
});
