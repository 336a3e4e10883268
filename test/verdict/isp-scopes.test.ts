import { describe, expect, it } from 'vitest';
import { knownIspIds } from '../../src/classify/isp-map.js';
import { closestId, unknownIspScopes } from '../../src/verdict/isp-scopes.js';
import { parseRules } from '../../src/verdict/rules-file.js';

const RULES = `rules:
  - metric: deferral
    scope: isp=yahooo
    warn: 3%
  - metric: bounce
    scope:   isp=Gmial
    warn: 3%
  - metric: complaint
    scope: isp=yahooo
    warn: 0.1%
  - metric: deferral
    scope: isp=acmecorp
    warn: 3%
  - metric: bounce
    scope: isp=microsoft
    warn: 3%
  - metric: bounce
    scope: ip=203.0.113.9
    warn: 3%
`;

describe('rules scoped to an ISP id nothing maps to', () => {
  it('warns once per unknown id, at its line and column, with the closest known id', async () => {
    const set = await parseRules(RULES, 'rules.yml');
    const warnings = unknownIspScopes(set, knownIspIds());
    expect(warnings).toEqual([
      "rules.yml:3:12: scope isp=yahooo: not an ISP id of the built-in ISP map or the config's isp map (only a rollup queue yahooo.rollup or an MX host could give it): did you mean yahoo?",
      "rules.yml:6:14: scope isp=gmial: not an ISP id of the built-in ISP map or the config's isp map (only a rollup queue gmial.rollup or an MX host could give it): did you mean gmail?",
      "rules.yml:12:12: scope isp=acmecorp: not an ISP id of the built-in ISP map or the config's isp map (only a rollup queue acmecorp.rollup or an MX host could give it)",
    ]);
    // the rules are kept as written: a warning, not a refusal
    expect(set.rules.filter((r) => r.scope.value === 'yahooo')).toHaveLength(2);
  });

  it("knows the config's ids (domains, MX suffixes, names) and the built-in ones", async () => {
    const set = await parseRules(RULES, 'rules.yml');
    const known = knownIspIds({
      domains: { 'acme.example': 'acmecorp' },
      mxSuffixes: { '.mx.y.example': 'yahooo' },
      names: { gmial: 'G' },
    });
    expect(unknownIspScopes(set, known)).toEqual([]);
    expect(known.has('other')).toBe(true);
    expect(known.has('office365')).toBe(true);
  });

  it('suggests only a near id', () => {
    const known = knownIspIds();
    expect(closestId('yahooo', known)).toBe('yahoo');
    expect(closestId('gmial', known)).toBe('gmail');
    expect(closestId('hotmial', ['microsoft', 'hotmail'])).toBe('hotmail');
    expect(closestId('acmecorp', known)).toBeNull();
    expect(closestId('aol', ['aol2', 'gmx'])).toBe('aol2');
  });
});
