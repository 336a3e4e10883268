import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIspMap } from '../../src/classify/isp-map.js';
import { loadRateLimits } from '../../src/pmta-config/limits.js';
import { readPmtaConfig } from '../../src/pmta-config/parse.js';
import { formatPerHour, ratePerHour } from '../../src/pmta-config/rate.js';
import { ROOT } from '../helpers/cli.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pmta-config-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const isps = createIspMap();

describe('PowerMTA rates', () => {
  it.each([
    ['800/h', 800],
    ['800/hr', 800],
    ['100/15m', 400],
    ['83/5s', 59760],
    ['20000/day', 20000 / 24],
    ['50/min', 3000],
    ['1/4h', 0.25],
    ['10 / 2h', 5],
    ['unlimited', Infinity],
    ['0', Infinity],
  ])('%s is %s per hour', (text, perHour) => {
    expect(ratePerHour(text)).toBeCloseTo(perHour, 9);
  });
  it.each(['800', '800/x', 'fast', '/h', '-3/h'])('%s is not a rate', (text) => {
    expect(ratePerHour(text)).toBeNaN();
  });
  it('formats per-hour rates', () => {
    expect([formatPerHour(800), formatPerHour(59760), formatPerHour(0.25), formatPerHour(Infinity)]).toEqual([
      '800/h',
      '59,760/h',
      '0.3/h',
      'unlimited',
    ]);
  });
});

describe('reading the config file', () => {
  it('reads blocks, comments and includes with wildcards, relative to the including file', () => {
    const dir = tree({
      config:
        '# main\nspool /var/spool/pmta  # trailing comment\ninclude conf.d/*.conf\n<domain a.example>  \n  max-msg-rate 5/h\n</domain>\n',
      'conf.d/10-b.conf': '<virtual-mta v1>\n  smtp-source-host 192.0.2.1 v1.example\n  include ../shared/domain.inc\n</virtual-mta>\n',
      'conf.d/20-a.conf': 'postmaster "p@example.com"\n',
      'conf.d/skip.txt': 'not included\n',
      'shared/domain.inc': '<domain "quoted.example" b.example>\nmax-msg-rate 1/h\n</domain>\n',
    });
    const root = readPmtaConfig(join(dir, 'config'));
    expect(root.directives.map((d) => [d.name, d.value])).toEqual([
      ['spool', '/var/spool/pmta'],
      ['postmaster', '"p@example.com"'],
    ]);
    expect(root.blocks.map((b) => [b.tag, b.args])).toEqual([
      ['virtual-mta', ['v1']],
      ['domain', ['a.example']],
    ]);
    const vmta = root.blocks[0];
    expect(vmta.directives[0]).toMatchObject({
      name: 'smtp-source-host',
      value: '192.0.2.1 v1.example',
      file: join(dir, 'conf.d/10-b.conf'),
      line: 2,
    });
    expect(vmta.blocks[0]).toMatchObject({ tag: 'domain', args: ['quoted.example', 'b.example'], line: 1 });
  });

  it('rejects broken structure with file and line', () => {
    const bad = (text: string) => () => readPmtaConfig(join(tree({ config: text }), 'config'));
    expect(bad('<domain a>\nmax-msg-rate 1/h\n')).toThrow(/config:1: <domain> is not closed before the end of/);
    expect(bad('<domain a>\n</virtual-mta>\n')).toThrow(/config:2: <\/virtual-mta> closes <domain> \(opened at .*config:1\)/);
    expect(bad('</domain>\n')).toThrow(/config:1: <\/domain> closes no block/);
    expect(bad('include missing.conf\n')).toThrow(/config:1: include .*missing\.conf: cannot read it/);
    expect(bad('include config\n')).toThrow(/config:1: include .*config: includes itself/);
    expect(() => readPmtaConfig('/nonexistent/pmta/config')).toThrow(/\/nonexistent\/pmta\/config: cannot read the PowerMTA config/);
  });

  it('reads nothing for a wildcard that matches nothing', () => {
    const root = readPmtaConfig(join(tree({ config: 'include none/*.conf\n' }), 'config'));
    expect(root.blocks).toEqual([]);
  });
});

describe('per-IP limits', () => {
  const config = `
domain-macro tld com,fr
<domain *>
  max-msg-rate unlimited
</domain>
<domain gmail.com>
  max-msg-rate 800/h
</domain>
<domain yahoo.$tld>              # yahoo.com and yahoo.fr: two queues
  max-msg-rate 100/15m
</domain>
<domain hotmail.com outlook.com>
  max-msg-rate 83/5s
</domain>
<domain example-business.com>
  max-msg-rate 1/h                # not a mailbox provider: ignored
</domain>
include vmtas.conf
<virtual-mta-pool pool-a>
  virtual-mta a1
  virtual-mta a2
  <domain gmail.com>
    max-msg-rate 600/h
  </domain>
</virtual-mta-pool>
<virtual-mta-pool pool-b>
  virtual-mta b1
</virtual-mta-pool>
`;
  const vmtas = `
<virtual-mta a1>
  smtp-source-host 203.0.113.1 a1.example
  <domain gmail.com>
    max-msg-rate 50/h             # warming up: the virtual MTA's block wins
  </domain>
</virtual-mta>
<virtual-mta a2>
  smtp-source-host 203.0.113.2 a2.example
</virtual-mta>
<virtual-mta b1>
  smtp-source-host 198.51.100.0/30 b.example
  <domain *>
    max-msg-rate 1000/h           # less specific than the global gmail.com block
  </domain>
</virtual-mta>
<virtual-mta twice>
  smtp-source-host 203.0.113.2 again.example
</virtual-mta>
`;
  const dir = tree({ config, 'vmtas.conf': vmtas });
  const limits = loadRateLimits(join(dir, 'config'), isps);

  it('takes a virtual MTA block over the pool block over the global block, most specific pattern first', () => {
    expect(limits.limitOf('203.0.113.1', 'gmail')).toMatchObject({ perHour: 50, vmtas: ['a1'], places: ['vmtas.conf:5'] });
    expect(limits.limitOf('198.51.100.2', 'gmail')).toMatchObject({ perHour: 800, vmtas: ['b1'], places: ['config:7'] });
  });
  it('sums the queues of an ISP and the virtual MTAs of an IP', () => {
    expect(limits.limitOf('203.0.113.1', 'yahoo')?.perHour).toBe(800); // 400/h for yahoo.com + 400/h for yahoo.fr
    expect(limits.limitOf('203.0.113.1', 'microsoft')?.perHour).toBe(2 * 59760);
    // 203.0.113.2 sends for a2 (pool-a: 600/h) and `twice` (global: 800/h)
    expect(limits.limitOf('203.0.113.2', 'gmail')).toMatchObject({ perHour: 1400, vmtas: ['a2', 'twice'] });
  });
  it('has no limit for unknown IPs, ISPs without a rate, or outside a CIDR', () => {
    expect(limits.limitOf('192.0.2.99', 'gmail')).toBeNull();
    expect(limits.limitOf('203.0.113.1', 'apple')).toBeNull();
    expect(limits.limitOf('198.51.100.4', 'gmail')).toBeNull();
    expect(limits.limitOf('198.51.100.3', 'gmail')?.perHour).toBe(800);
  });
  it('gives pools their summed limits and members', () => {
    const a = limits.pools.find((p) => p.name === 'pool-a');
    expect(a?.limitOf('gmail')).toEqual({ perHour: 650, vmtas: 2 });
    expect(a?.isps).toEqual(['gmail', 'microsoft', 'yahoo']);
    expect([a?.has('203.0.113.1'), a?.has('198.51.100.1')]).toEqual([true, false]);
    expect(limits.pools.find((p) => p.name === 'pool-b')?.has('198.51.100.1')).toBe(true);
  });
  it('caps an IP by source-ip-max-msg-rate, from the most specific block with a rule for it', () => {
    const dir2 = tree({
      config: `
<domain gmail.com>
  max-msg-rate 800/h
  source-ip-max-msg-rate 203.0.113.0/28 300/h
  source-ip-max-msg-rate 2001:db8::10 100/h
</domain>
<domain *>
  source-ip-max-msg-rate 198.51.100.0/24 5/h   # less specific: gmail.com has no rule for these IPs, so this one
</domain>
<domain yahoo.com>
  source-ip-max-msg-rate 203.0.113.5 40/h      # a per-IP rate only: the queue itself is unlimited
</domain>
<virtual-mta v1>
  smtp-source-host 203.0.113.5 v1.example
</virtual-mta>
<virtual-mta v2>
  smtp-source-host 203.0.113.5 v2.example     # the same IP twice: 1,600/h of queues, capped at 300/h
</virtual-mta>
<virtual-mta v3>
  smtp-source-host 203.0.113.100 v3.example
</virtual-mta>
<virtual-mta v6>
  smtp-source-host 2001:db8::10 v6.example
</virtual-mta>
<virtual-mta w>
  smtp-source-host 198.51.100.7 w.example
</virtual-mta>
`,
    });
    const l = loadRateLimits(join(dir2, 'config'), isps);
    expect(l.limitOf('203.0.113.5', 'gmail')).toMatchObject({ perHour: 300, vmtas: ['v1', 'v2'], places: ['config:4'] });
    expect(l.limitOf('203.0.113.100', 'gmail')).toMatchObject({ perHour: 800, places: ['config:3'] });
    expect(l.limitOf('2001:db8::10', 'gmail')?.perHour).toBe(100);
    expect(l.limitOf('198.51.100.7', 'gmail')?.perHour).toBe(5);
    expect(l.limitOf('203.0.113.5', 'yahoo')).toMatchObject({ perHour: 40, places: ['config:11'] });
    expect(l.limitOf('203.0.113.100', 'yahoo')).toBeNull();
    const bad = tree({ config: '<domain gmail.com>\n  source-ip-max-msg-rate 10.0.0.0/33 5/h\n</domain>\n' });
    expect(() => loadRateLimits(join(bad, 'config'), isps)).toThrow(
      /config:2: source-ip-max-msg-rate: '10\.0\.0\.0\/33' is not an IP address or IPv4 network/,
    );
  });
  it('rejects a rate it cannot read, with file and line', () => {
    const broken = tree({ config: '<domain gmail.com>\n  max-msg-rate 800 per hour\n</domain>\n' });
    expect(() => loadRateLimits(join(broken, 'config'), isps)).toThrow(/config:2: max-msg-rate: '800 per hour' is not a rate/);
    const macro = tree({ config: '<domain yahoo.$nope>\n</domain>\n' });
    expect(() => loadRateLimits(join(macro, 'config'), isps)).toThrow(/config:1: <domain yahoo\.\$nope>: no domain-macro named nope/);
  });
  it('reads the sample config', () => {
    const sample = loadRateLimits(join(ROOT, 'samples/pmta/config'), isps);
    expect(sample.limitOf('203.0.113.14', 'gmail')).toMatchObject({ perHour: 7, vmtas: ['gm-05'] });
    expect(sample.limitOf('203.0.113.60', 'yahoo')?.perHour).toBe(9);
    expect(sample.pools.map((p) => p.name)).toEqual(['pool-gmail', 'pool-ms', 'pool-yahoo', 'pool-shared', 'pool-tx']);
  });
});
