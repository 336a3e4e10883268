/**
 * Accounting files reached through symbolic links: archives linked in from elsewhere are files
 * (report, query, check), a link that leads nowhere says so, `**` does not loop through a link back
 * up the tree, and tail counts a file it sees under two names once, also across a restart.
 */
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGlob } from '../../src/source/glob.js';
import { describeInputs, listDirectory, resolveInputPaths } from '../../src/source/inputs.js';
import { AcctWriter } from '../helpers/acct-writer.js';
import { reportJson, ROOT, runCli } from '../helpers/cli.js';
import { catchUp, countedIn, openSession, scratchDirs, settle } from '../helpers/session.js';

const scratch = scratchDirs('pmta-links-');
const SAMPLES = join(ROOT, 'samples');
const SAMPLE_FILES = ['acct-2026-11-28-0000.csv.gz', 'acct-2026-11-28-0001.csv', 'acct-2026-11-28-0002.csv', 'acct-2026-11-28-0003.csv'];

describe('a directory of symbolic links', () => {
  it('links to files are files: the report is the report of the files they lead to', () => {
    const dir = scratch();
    const linked = join(dir, 'linked');
    mkdirSync(linked);
    for (const f of SAMPLE_FILES) symlinkSync(join(SAMPLES, f), join(linked, f));
    // a link to a directory is a subdirectory: not read (listing is not recursive)
    symlinkSync(SAMPLES, join(linked, 'acct-2026-11-29-0000.csv'));
    expect(listDirectory(linked).map((p) => relative(linked, p))).toEqual(SAMPLE_FILES);
    const viaLinks = reportJson([linked, '--tz', 'UTC']);
    const direct = reportJson([...SAMPLE_FILES.map((f) => join(SAMPLES, f)), '--tz', 'UTC']);
    expect(viaLinks.input.records).toBe(6000);
    expect(viaLinks.total).toEqual(direct.total);
    expect(viaLinks.groups).toEqual(direct.groups);
    // gzip is recognised through the link (by content)
    expect(describeInputs(listDirectory(linked))[0].gzip).toBe(true);
  });

  it('a link that leads nowhere is named, with where it leads, never skipped in silence', () => {
    const dir = scratch();
    copyFileSync(join(SAMPLES, SAMPLE_FILES[1]), join(dir, SAMPLE_FILES[1]));
    symlinkSync(join(dir, 'moved-away.csv'), join(dir, 'acct-2026-11-27-0000.csv'));
    expect(listDirectory(dir).map((p) => relative(dir, p))).toEqual(['acct-2026-11-27-0000.csv', SAMPLE_FILES[1]]);
    const r = runCli(['report', dir]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `${join(dir, 'acct-2026-11-27-0000.csv')}: a symbolic link to ${join(dir, 'moved-away.csv')}, which does not exist`,
    );
    // named directly, or matched by a pattern: the same message
    expect(() => resolveInputPaths([join(dir, 'acct-2026-11-27-0000.csv')])).toThrow(
      /a symbolic link to .*moved-away\.csv, which does not exist/,
    );
    expect(() => describeInputs(resolveInputPaths([join(dir, 'acct-2026-11-2[7]-*.csv')]))).toThrow(/which does not exist/);
    // a plain missing name is still "no such file"
    expect(runCli(['report', join(dir, 'nothing.csv')]).stderr).toContain('nothing.csv: no such file or directory');
  });

  it('** does not follow a link to a directory (a link back up the tree would never end)', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    copyFileSync(join(SAMPLES, SAMPLE_FILES[1]), join(dir, 'a', 'b', SAMPLE_FILES[1]));
    symlinkSync(dir, join(dir, 'a', 'b', 'loop'));
    symlinkSync(join(SAMPLES, SAMPLE_FILES[2]), join(dir, 'a', SAMPLE_FILES[2]));
    expect(
      expandGlob(`${dir}/**/acct-*.csv`)
        .map((p) => relative(dir, p))
        .sort(),
    ).toEqual([`a/${SAMPLE_FILES[2]}`, `a/b/${SAMPLE_FILES[1]}`]);
  });
});

describe('tail and symbolic links', () => {
  it('rotated files linked into a second directory are counted once, also after a restart', async () => {
    const root = scratch();
    const logs = join(root, 'logs');
    const links = join(root, 'links');
    mkdirSync(links);
    const w = new AcctWriter(logs, 41);
    const state = join(root, 'state');
    w.rows(20);
    const r0 = w.rotate();
    w.rows(15);
    const r1 = w.rotate();
    w.rows(5);
    // the archive tooling links every rotated file into another directory that tail also searches
    for (const r of [r0, r1]) symlinkSync(r.path, join(links, relative(logs, r.path)));
    await catchUp(w.live, state, { rotatedDirs: [links] });
    expect(countedIn(state)).toEqual(w.expected());
    // a restart sees both names of each file again: still once
    w.rows(7);
    const r2 = w.rotate();
    symlinkSync(r2.path, join(links, relative(logs, r2.path)));
    w.rows(3);
    await catchUp(w.live, state, { rotatedDirs: [links] });
    expect(countedIn(state)).toEqual(w.expected());
  });

  it('a link that appears while following names a file already read: not read again', async () => {
    const root = scratch();
    const logs = join(root, 'logs');
    const links = join(root, 'links');
    mkdirSync(links);
    const w = new AcctWriter(logs, 43);
    const state = join(root, 'state');
    const s = await openSession(w.live, state, { follow: true, rotatedDirs: [links] });
    try {
      w.rows(12);
      await settle(s);
      const r = w.rotate();
      w.rows(4);
      await settle(s);
      symlinkSync(r.path, join(links, relative(logs, r.path)));
      w.rows(2);
      await settle(s);
      await settle(s);
      s.commit();
    } finally {
      s.close();
    }
    expect(countedIn(state)).toEqual(w.expected());
  });
});
