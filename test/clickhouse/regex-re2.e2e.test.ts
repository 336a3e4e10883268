/**
 * The JS → RE2 translation (src/clickhouse/regex-re2.ts) proven by matches: for each regex, random
 * texts over an alphabet with the characters where the two engines differ (\r, U+2028, NBSP, tabs,
 * letters, digits, punctuation), ClickHouse 18.16's match() of the translation agrees with
 * JavaScript's test() of the regex as the file reader runs it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRe2 } from '../../src/clickhouse/regex-re2.js';
import { startClickHouse, type ClickHouseSet } from '../helpers/clickhouse-server.js';

let set: ClickHouseSet;
beforeAll(async () => {
  set = await startClickHouse();
});
afterAll(async () => {
  await set?.stop();
});

const REGEXES: readonly [string, string][] = [
  ['a.c', ''],
  ['a.c', 's'],
  ['^\\s+\\d', ''],
  ['\\S+$', ''],
  ['[\\s,]x', ''],
  ['\\bab\\b', ''],
  ['(?:ab|c)+?d', ''],
  ['[^a-c]{2,3}', ''],
  ['\\x41\\u00e9', ''],
  ['\\w\\W\\D', ''],
  ['^$', ''],
  ['(?<g>a)b', ''],
  ['\\.\\*\\/', ''],
];
const ALPHABET = ['a', 'b', 'c', 'd', 'A', 'é', '1', '9', ' ', '\t', '\n', '\r', '\u2028', '\u00a0', '.', '*', '/', ',', 'x', '_'];

describe('JS regexes translated to RE2', () => {
  it('refuse what RE2 would read otherwise', () => {
    expect(toRe2('^a', 'm')).toMatchObject({ ok: false });
    expect(toRe2('[]', '')).toMatchObject({ ok: false });
    expect(toRe2('a(?=b)', '')).toMatchObject({ ok: false });
    expect(toRe2('\\cJ', '')).toMatchObject({ ok: false });
  });

  it('match what JavaScript matches', async () => {
    const texts = fc.sample(
      fc.array(fc.constantFrom(...ALPHABET), { maxLength: 12 }).map((a) => a.join('')),
      { numRuns: 300, seed: 15 },
    );
    texts.push('abc', 'a\rc', 'a\u2028c', ' \u00a01', 'ab', 'Aé', 'x.*/', '');
    const s = set.servers[0];
    await s.sql('CREATE TABLE default.texts (t String) ENGINE = Memory');
    await s.sql('INSERT INTO default.texts FORMAT JSONEachRow', texts.map((t) => JSON.stringify({ t })).join('\n'));
    await s.sql('CREATE TABLE default.res (r String) ENGINE = Memory');
    for (const [source, flags] of REGEXES) {
      const t = toRe2(source, flags);
      if (!t.ok) throw new Error(`${source}: ${t.why}`);
      await s.sql('TRUNCATE TABLE default.res');
      await s.sql('INSERT INTO default.res FORMAT JSONEachRow', JSON.stringify({ r: t.re2 }));
      const out = await s.sql('SELECT t, match(t, (SELECT r FROM default.res)) AS m FROM default.texts FORMAT JSONEachRow');
      const re = new RegExp(source, flags);
      for (const line of out.trim().split('\n')) {
        const row = JSON.parse(line) as { t: string; m: number };
        expect(row.m === 1, `/${source}/${flags} on ${JSON.stringify(row.t)} (RE2 ${t.re2})`).toBe(re.test(row.t));
      }
    }
  });
});
