import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildModel, type ModelInput } from '../../src/model/model.js';
import { jsonPieces, renderJson, reportJson } from '../../src/render/json.js';
import { COUNTER_NAMES, STRIDE } from '../../src/rollup/counters.js';
import type { Rollup } from '../../src/rollup/rollup.js';
import { rollupOfSpecs } from '../helpers/rollup.js';

/** Text from logs is hostile: quotes, backslashes, control characters, lone surrogates, IPv6, non-ASCII. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('gmail', '2001:db8::1', '198.51.100.5', 'a"b\\c', 'línea\nnueva', '\ud800', '\udc00x', '😀', ''),
);

const group = fc.record({
  values: fc.array(text, { minLength: 2, maxLength: 2 }),
  bucket: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
  counts: fc.array(fc.oneof(fc.nat(50), fc.constant(0), fc.integer({ min: 0, max: 2 ** 40 })), {
    minLength: STRIDE,
    maxLength: STRIDE,
  }),
  latencies: fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 4 }),
});

function inputOf(rollup: Rollup, unknown: string, message: string): ModelInput {
  return {
    rollup,
    stats: {
      records: 7,
      counted: 5,
      filtered: 0,
      untimed: 1,
      unknownTypes: unknown === '' ? {} : { [unknown]: 2 },
      firstEvent: 1_764_288_000,
      lastEvent: null,
    },
    files: 1,
    bytes: 100,
    badRecords: 1,
    warnings: 0,
    problemCounts: { RECORD_TOO_LONG: 1 },
    problems: [{ code: 'RECORD_TOO_LONG', file: 'a "b".csv', line: 3, byte: 10, message, excerpt: message }],
  };
}

describe('the JSON report written in pieces', () => {
  it('is the bytes of JSON.stringify(reportJson(m), null, 2) and a line end, rows made when read or not', () => {
    fc.assert(
      fc.property(
        fc.array(group, { maxLength: 12 }),
        fc.boolean(),
        fc.boolean(),
        fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
        text,
        text,
        (groups, bucketed, views, top, unknown, message) => {
          const dims = ['isp', 'ip'];
          const model = buildModel(inputOf(rollupOfSpecs(dims, groups), unknown, message), {
            by: dims,
            bucket: bucketed ? '1h' : null,
            since: null,
            until: 1_764_374_400,
            tz: 'UTC',
            top,
            views,
          });
          const expected = `${JSON.stringify(reportJson(model), null, 2)}\n`;
          // every group as text (the default writes a small report with JSON.stringify)
          expect([...jsonPieces(model, 0)].join('')).toBe(expected);
          expect(renderJson(model)).toBe(expected);
        },
      ),
      { numRuns: 200, seed: 17 },
    );
  });

  it('is the same for a model big enough that its rows make their figures when read', () => {
    const groups = fc.sample(group, { numRuns: 3000, seed: 17 });
    const model = buildModel(inputOf(rollupOfSpecs(['isp', 'ip'], groups), 'x', 'y'), {
      by: ['isp', 'ip'],
      bucket: '1h',
      since: null,
      until: null,
      tz: 'UTC',
      top: null,
      views: false,
    });
    expect(model.groups.length).toBeGreaterThan(2048);
    // a RollupRow has no own figures: its key is made by a getter
    expect(Object.keys(model.groups[0])).not.toContain('key');
    expect(renderJson(model)).toBe(`${JSON.stringify(reportJson(model), null, 2)}\n`);
  });

  it('writes counters in COUNTER_NAMES order and the empty cases as JSON.stringify does', () => {
    const model = buildModel(inputOf(rollupOfSpecs([], []), '', ''), {
      by: [],
      bucket: null,
      since: null,
      until: null,
      tz: 'UTC',
      top: null,
      views: false,
    });
    const json = renderJson(model);
    expect(json).toContain('"groups": []');
    expect(Object.keys((JSON.parse(json) as { total: object }).total).slice(0, STRIDE)).toEqual([...COUNTER_NAMES]);
    const one = buildModel(
      inputOf(rollupOfSpecs([], [{ values: [], bucket: null, counts: new Array<number>(STRIDE).fill(1), latencies: [] }]), '', ''),
      { by: [], bucket: null, since: null, until: null, tz: 'UTC', top: null, views: false },
    );
    expect(renderJson(one)).toContain('"key": {}');
    expect(renderJson(one)).toBe(`${JSON.stringify(reportJson(one), null, 2)}\n`);
  });
});
