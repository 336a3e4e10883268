import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acctFilesOf, moveToFor } from '../../src/pmta-config/acct-files.js';
import { readPmtaConfig } from '../../src/pmta-config/parse.js';

function config(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pmta-acctfile-'));
  writeFileSync(join(dir, 'config'), text);
  return join(dir, 'config');
}

describe('<acct-file> blocks', () => {
  const file = config(`
<acct-file /var/log/pmta/acct.csv>
    records d,b,t,tq,f
    move-to /var/log/pmta/archive   # rotated files go here
    move-interval 5m
</acct-file>
<acct-file "|/usr/local/bin/feed.pl -x">
    records d
</acct-file>
<acct-file log/diag.csv>
    records t,tq
    move-to old
</acct-file>
<acct-file /var/log/pmta/fbl.csv>
    records f
</acct-file>
`);
  const root = readPmtaConfig(file);

  it('lists the files with their move-to, leaving pipes out', () => {
    expect(acctFilesOf(root).map((a) => [a.path, a.moveTo, a.place])).toEqual([
      ['/var/log/pmta/acct.csv', '/var/log/pmta/archive', 'config:2'],
      ['log/diag.csv', 'old', 'config:10'],
      ['/var/log/pmta/fbl.csv', null, 'config:14'],
    ]);
  });

  it('finds the move-to of the block that writes the live file', () => {
    expect(moveToFor(root, '/var/log/pmta/acct.csv')).toEqual({ dir: '/var/log/pmta/archive', place: 'config:2' });
    expect(moveToFor(root, '/var/log/pmta/../pmta/acct.csv')?.dir).toBe('/var/log/pmta/archive');
    // relative to PowerMTA's directory: matched by the end of the path, move-to from the same base
    expect(moveToFor(root, '/opt/pmta/log/diag.csv')).toEqual({ dir: '/opt/pmta/old', place: 'config:10' });
    expect(moveToFor(root, '/var/log/pmta/fbl.csv')).toBeNull();
    expect(moveToFor(root, '/var/log/other/acct.csv')).toBeNull();
  });
});
