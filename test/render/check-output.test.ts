import { describe, expect, it } from 'vitest';
import { capOutput, PLUGIN_OUTPUT_BYTES } from '../../src/render/check.js';

describe('check output size', () => {
  const status = `PMTA-ACCT WARNING - 203.0.113.1 rate 1,200/h > 800/h | 'bad_records'=0;;;0`;
  const input = 'input: 40 files, 9,000,000 records, 0 bad; windows ending 2026-11-29 05:00 UTC';

  it('leaves output under the limit alone', () => {
    const lines = [status, 'WARN: a', 'OK: 3 more verdicts', input];
    expect(capOutput(lines, PLUGIN_OUTPUT_BYTES)).toEqual(lines);
  });

  it('cuts the long output between lines, keeps status and input lines, and counts what it left out', () => {
    const verdicts = Array.from(
      { length: 300 },
      (_, i) => `WARN: 203.0.113.${i % 250} rate ${1000 + i}/h over the last 1h > 800/h (the PowerMTA config says max-msg-rate 800/h)`,
    );
    const out = capOutput([status, ...verdicts, input], PLUGIN_OUTPUT_BYTES);
    const text = `${out.join('\n')}\n`;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(PLUGIN_OUTPUT_BYTES);
    expect(out[0]).toBe(status);
    expect(out[out.length - 1]).toBe(input);
    const kept = out.slice(1, -2);
    expect(kept).toEqual(verdicts.slice(0, kept.length));
    expect(kept.length).toBeGreaterThan(40);
    expect(out[out.length - 2]).toBe(`... ${verdicts.length - kept.length} more verdict lines (check --format json lists them all)`);
  });

  it('keeps the note lines above the input line when it cuts', () => {
    const verdicts = Array.from({ length: 300 }, (_, i) => `WARN: 203.0.113.${i % 250} rate ${1000 + i}/h over the last 1h > 800/h`);
    const note = `note: /var/log/pmta: two accounting streams share b records ${'x'.repeat(300)}`;
    const out = capOutput([status, ...verdicts, note, input], PLUGIN_OUTPUT_BYTES, 2);
    expect(Buffer.byteLength(`${out.join('\n')}\n`)).toBeLessThanOrEqual(PLUGIN_OUTPUT_BYTES);
    expect(out.slice(-3)).toEqual([expect.stringMatching(/^\.\.\. \d+ more verdict lines/) as unknown, note, input]);
  });
});
