import { describe, expect, it } from 'vitest';
import { csvCell, markdownSafe, terminalSafe } from '../../src/render/sanitize.js';

describe('terminalSafe', () => {
  it('shows control characters, escape sequences and bidi overrides as visible escapes', () => {
    expect(terminalSafe('ok\u001b[2J\u001b]0;pwned\u0007')).toBe('ok\\x1b[2J\\x1b]0;pwned\\x07');
    expect(terminalSafe('a\rb\nc\td\u009bX')).toBe('a\\x0db\\x0ac\\x09d\\x9bX');
    expect(terminalSafe('evil\u202egnp.exe')).toBe('evil\\u202egnp.exe');
    expect(terminalSafe('bücher.de 421 4.7.0')).toBe('bücher.de 421 4.7.0');
  });
});

describe('csvCell', () => {
  it('neutralizes cells a spreadsheet would take for a formula', () => {
    for (const s of ['=cmd|calc', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])
      expect(csvCell(s).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvCell('gmail')).toBe('gmail');
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell(null)).toBe('');
  });

  it('quotes per RFC 4180', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
  });
});

describe('markdownSafe', () => {
  it('escapes markup, pipes and HTML and joins lines', () => {
    expect(markdownSafe('<script>alert(1)</script>|*x*')).toBe('\\<script\\>alert(1)\\</script\\>\\|\\*x\\*');
    expect(markdownSafe('[click](http://x) ![i](y) `c` ~~s~~ _e_')).toBe('\\[click\\](http://x) !\\[i\\](y) \\`c\\` \\~\\~s\\~\\~ \\_e\\_');
    expect(markdownSafe('a\nb')).toBe('a b');
  });
});

describe('csvCell for a terminal', () => {
  it('escapes controls as the table does, then quotes and neutralizes as for a file', () => {
    expect(csvCell('421 \u001b]0;owned\u0007 \u001b[31mred', true)).toBe('421 \\x1b]0;owned\\x07 \\x1b[31mred');
    expect(csvCell('421 \u001b]0;owned\u0007', false)).toBe('421 \u001b]0;owned\u0007');
    expect(csvCell('line\nbreak', true)).toBe('line\\x0abreak');
    expect(csvCell('=1,\u001b', true)).toBe('"\'=1,\\x1b"');
    expect(csvCell(3, true)).toBe('3');
  });
});
