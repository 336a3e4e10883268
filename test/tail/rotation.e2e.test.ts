/**
 * The follower against PowerMTA's file lifecycle (reliability.md §6 A, C, E), through the real CLI.
 * Invariant everywhere: what the state counted equals what the writer logged; no loss, no
 * duplicate; the only loss allowed (a rotated file deleted unread while stopped) is reported.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AcctWriter } from '../helpers/acct-writer.js';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { CLI } from '../helpers/cli.js';
import { counted, exited, sleep, startTail, stateReport, tailOnce, until } from '../helpers/tail.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'pmta-tail-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(seed = 1) {
  const root = tmp();
  const w = new AcctWriter(join(root, 'logs'), seed);
  return { root, w, state: join(root, 'state') };
}

function once(w: AcctWriter, state: string, extra: string[] = []) {
  const r = tailOnce(w.live, state, ['--from', 'beginning', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe('tail --once over the file lifecycle', () => {
  it('counts the live file, then only what was added (restart resumes at the committed offset)', () => {
    const { w, state } = setup();
    w.rows(50);
    once(w, state);
    expect(counted(state)).toEqual(w.expected());
    w.rows(30);
    once(w, state);
    once(w, state);
    expect(counted(state)).toEqual(w.expected());
  });

  it('three rotations between two runs, one moved into another directory: each file exactly once', () => {
    const { root, w, state } = setup(2);
    w.rows(20);
    once(w, state);
    w.rows(5);
    w.rotate();
    w.rows(17);
    w.rotate({ moveTo: join(root, 'archive') });
    w.rows(9);
    w.rotate();
    w.rows(4);
    once(w, state, ['--rotated-dir', join(root, 'archive')]);
    expect(counted(state)).toEqual(w.expected());
    // The state remembers the move-to directory: a run without the option loses nothing.
    w.rotate({ moveTo: join(root, 'archive') });
    w.rows(2);
    const again = once(w, state);
    expect(again.stderr).not.toMatch(/DATA LOST/);
    expect(counted(state)).toEqual(w.expected());
  });

  it('finds the move-to directory in the <acct-file> block of --pmta-config', () => {
    const { root, w, state } = setup(23);
    const archive = join(root, 'archive');
    const config = join(root, 'pmta-config');
    writeFileSync(config, `<acct-file ${w.live}>\n    records d,b,t,f\n    move-to ${archive}\n</acct-file>\n`);
    w.rows(12);
    w.rotate({ moveTo: archive });
    w.rows(6);
    w.rotate({ moveTo: archive });
    w.rows(3);
    const r = once(w, state, ['--pmta-config', config]);
    expect(r.stderr).toContain(`rotated files are also looked for in ${archive} (move-to of the <acct-file> at pmta-config:1)`);
    expect(counted(state)).toEqual(w.expected());
  });

  it('several live files into one state (record types split over several <acct-file>s), each with its rotations', () => {
    const { root, w, state } = setup(24);
    const diag = new AcctWriter(join(root, 'logs'), 25, { name: 'diag' });
    const both = () => {
      const a = w.expected();
      const b = diag.expected();
      const byIsp: Record<string, number> = { ...a.byIsp };
      for (const [k, v] of Object.entries(b.byIsp)) byIsp[k] = (byIsp[k] ?? 0) + v;
      return {
        rows: a.rows + b.rows,
        delivered: a.delivered + b.delivered,
        deferred: a.deferred + b.deferred,
        bounced: a.bounced + b.bounced,
        hardBounced: a.hardBounced + b.hardBounced,
        complaints: a.complaints + b.complaints,
        deliveredBytes: a.deliveredBytes + b.deliveredBytes,
        byIsp,
      };
    };
    const run = () => {
      const r = tailOnce(w.live, state, ['--from', 'beginning'], [diag.live]);
      expect(r.code, r.stderr).toBe(0);
      return r;
    };
    w.rows(10);
    diag.rows(7);
    const first = run();
    expect(first.stderr).toContain(`reading ${w.live}, ${diag.live} and their rotated files`);
    expect(counted(state)).toEqual(both());
    w.rotate();
    diag.rows(4);
    diag.rotate();
    w.rows(3);
    diag.rows(5);
    run();
    expect(counted(state)).toEqual(both());
    // the state keeps its files: asked for one of them only, it refuses
    const one = tailOnce(w.live, state, ['--from', 'beginning']);
    expect(one.code).toBe(3);
    expect(one.stderr).toContain(`it follows ${w.live}, ${diag.live}, not ${w.live}`);
  });

  it('rotated files gzipped after they were read are recognised by their first record, not read again', () => {
    const { w, state } = setup(3);
    w.rows(40);
    const { path } = w.rotate();
    w.rows(10);
    once(w, state);
    w.gzip(path);
    w.rows(5);
    once(w, state);
    expect(counted(state)).toEqual(w.expected());
  });

  it('a rotated file gzipped before it was read to its end is read on from the .gz', () => {
    const { w, state } = setup(4);
    w.rows(40);
    once(w, state);
    w.rows(25);
    const { path } = w.rotate();
    w.gzip(path);
    w.rows(3);
    once(w, state);
    expect(counted(state)).toEqual(w.expected());
  });

  it('a drained rotated file deleted later loses nothing; one deleted unread while stopped is a reported gap', () => {
    const { w, state } = setup(5);
    w.rows(30);
    const first = w.rotate();
    w.rows(10);
    once(w, state);
    w.remove(first.path);
    w.rows(6);
    const second = w.rotate();
    w.rows(2);
    const r0 = once(w, state);
    expect(r0.stderr).not.toMatch(/DATA LOST/);
    // Now stop, write more into the rotated file's successor, rotate, and delete it unread.
    const lostFrom = w.log.length;
    w.rows(11);
    const lostTo = w.log.length;
    const third = w.rotate();
    w.remove(third.path);
    w.rows(1);
    const r = tailOnce(w.live, state);
    expect(r.code).toBe(1);
    // The file was last seen as the live file: the gap names it so, with the committed offset.
    expect(r.stderr).toMatch(/DATA LOST: .*acct\.csv: went away while pmta-acct was not running/);
    const report = stateReport(state);
    expect(report.input.gaps?.length).toBe(1);
    expect(report.input.gaps?.[0].file).toContain('acct.csv');
    void second;
    // Exactly the 11 rows that were never read are missing, and the loss was reported.
    expect(counted(state)).toEqual(w.expected((_, i) => i < lostFrom || i >= lostTo));
  });

  it('restart after rotations that happened while stopped, plain and gzipped: each resumed or read from 0', () => {
    const { w, state } = setup(6);
    w.rows(12);
    once(w, state);
    w.rows(7);
    const a = w.rotate();
    w.rows(13);
    const b = w.rotate();
    w.gzip(a.path);
    w.gzip(b.path);
    w.rows(8);
    w.rotate();
    w.rows(2);
    once(w, state);
    expect(counted(state)).toEqual(w.expected());
  });

  it('truncation of the live file: what was read stays counted, the new content is read from 0', () => {
    const { w, state } = setup(7);
    w.rows(25);
    once(w, state);
    w.truncateLive();
    w.rows(4);
    const r = once(w, state);
    expect(r.stderr).toMatch(/truncated/);
    // Truncated and rewritten past the old offset between two runs: the tail marker catches it.
    w.truncateLive();
    w.rows(60);
    const r2 = once(w, state);
    expect(r2.stderr).toMatch(/rewritten|truncated|different content/);
    expect(counted(state)).toEqual(w.expected());
  });

  it('copytruncate while stopped: the copy is read on from where the live file was, nothing twice', () => {
    const { w, state } = setup(13);
    w.rows(30);
    once(w, state);
    w.rows(12);
    w.copyTruncate();
    w.rows(9);
    once(w, state);
    expect(counted(state)).toEqual(w.expected());
  });

  it('a new live file with only its header, then its first row split across runs', () => {
    const { w, state } = setup(8);
    w.rows(3);
    w.rotate();
    once(w, state);
    w.partial(40);
    once(w, state);
    w.complete();
    w.rows(1);
    once(w, state);
    expect(counted(state)).toEqual(w.expected());
  });

  it('a partial last line is counted once, when complete, for split points across a row (CR/LF included)', () => {
    const { w, state } = setup(9);
    w.rows(2);
    once(w, state);
    for (const at of [1, 2, 60, -3, -2, -1]) {
      const row = w.partial(at < 0 ? 10_000 : at);
      if (at < 0) {
        // partial() wrote all but the last byte; rewind the split point by writing less next time
        void row;
      }
      once(w, state);
      w.complete();
      once(w, state);
    }
    expect(counted(state)).toEqual(w.expected());
  });

  it('a rotated file ending inside a row that never completes: reported as a truncated record, not glued to the next file', () => {
    const { w, state } = setup(15);
    w.rows(6);
    w.partial(70);
    w.abandonPartial();
    const { path } = w.rotate();
    w.rows(4);
    const first = once(w, state, ['--rotate-wait', '3600']);
    expect(first.stderr).not.toMatch(/TRUNCATED/);
    // Still waiting for the row to complete: nothing reported, nothing counted of it.
    expect(stateReport(state).input.badRecords).toBe(0);
    once(w, state, ['--rotate-wait', '0']);
    const report = stateReport(state);
    expect(report.input.problemCounts).toEqual({ TRUNCATED_RECORD: 1 });
    const p = (report.input as unknown as { problems: { file: string; line: number }[] }).problems[0];
    expect(p).toMatchObject({ file: path, line: 8 });
    expect(counted(state)).toEqual(w.expected());
  });

  it('the header rewritten mid-file (a pipe restart) re-maps the columns from there on', () => {
    const { w, state } = setup(10);
    w.rows(5);
    once(w, state);
    // A pipe restart writes the header again into the same file.
    const fd = (w as unknown as { fd: number }).fd;
    writeSync(
      fd,
      'type,timeLogged,timeQueued,orig,rcpt,dsnAction,dsnStatus,dsnDiag,dsnMta,bounceCat,dlvSourceIp,dlvSize,vmta,jobId,vmtaPool,queue\r\n',
    );
    w.rows(5);
    once(w, state);
    expect(counted(state)).toEqual(w.expected());
  });

  it('bad records are counted and located by file, line and byte, across restarts, and never stop the run', () => {
    const { w, state } = setup(14);
    w.rows(4);
    once(w, state);
    w.rows(2);
    const fd = (w as unknown as { fd: number }).fd;
    const before = statSync(w.live).size;
    writeSync(fd, 'd,not-a-time,2026-11-28 10:00:00+0000,a@b,c@gmail.com,relayed\r\n');
    w.rows(3);
    once(w, state);
    const report = stateReport(state);
    expect(report.input.badRecords).toBe(1);
    expect(report.input.problemCounts).toEqual({ BAD_TIME: 1 });
    const p = (report.input as unknown as { problems: { file: string; line: number; byte: number; code: string }[] }).problems[0];
    expect(p).toMatchObject({ code: 'BAD_TIME', line: 8, byte: before });
    expect(p.file).toBe(w.live);
    expect(counted(state).rows).toBe(w.expected().rows + 1);
    const good = stateReport(state).total as Record<string, number>;
    expect(good.delivered).toBe(w.expected().delivered);
  });

  it('the state directory and database are readable by the owner only', () => {
    const { w, state } = setup(11);
    w.rows(1);
    once(w, state);
    expect(statSync(state).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(state)) expect(statSync(join(state, name)).mode & 0o077, name).toBe(0);
  });

  it('with no state, --from end starts at the end (and says so); --from beginning reads everything', () => {
    const { w, state } = setup(12);
    w.rows(10);
    w.rotate();
    w.rows(5);
    const r = tailOnce(w.live, state);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/--from end/);
    expect(counted(state).rows).toBe(0);
    w.rows(4);
    tailOnce(w.live, state);
    expect(counted(state).rows).toBe(4);
  });
});

describe('tail following live', () => {
  it('rename rotation while the writer keeps appending to the old descriptor, three rotations between polls, poll only', async () => {
    const { w, state } = setup(20);
    w.rows(10);
    const child = startTail(w.live, state, ['--from', 'beginning']);
    const done = exited(child);
    w.rows(15);
    const old = w.rotate({ keepOld: true });
    w.rows(7);
    if (old.fd !== null) {
      w.rows(6, old.fd, old.path);
      writeSync(old.fd, '');
    }
    w.rows(3);
    w.rotate();
    w.rows(4);
    w.rotate();
    w.rows(5);
    await until(() => existsSync(join(state, 'state.db')) && counted(state).rows === w.expected().rows);
    child.kill('SIGTERM');
    const end = await done;
    expect(end.code, end.stderr).toBe(0);
    expect(counted(state)).toEqual(w.expected());
    // Whatever the timing was, a catch-up finds nothing left and counts nothing twice.
    tailOnce(w.live, state);
    expect(counted(state)).toEqual(w.expected());
  });

  it('copytruncate while following: the copy is recognised by its first record and read on, nothing twice', async () => {
    const { w, state } = setup(22);
    w.rows(20);
    const child = startTail(w.live, state, ['--from', 'beginning']);
    const done = exited(child);
    await until(() => counted(state).rows === 20);
    w.rows(7);
    w.copyTruncate();
    w.rows(4);
    await until(() => counted(state).rows === w.expected().rows);
    w.rows(6);
    w.copyTruncate();
    w.rows(2);
    await until(() => counted(state).rows === w.expected().rows);
    child.kill('SIGTERM');
    const end = await done;
    expect(end.code, end.stderr).toBe(0);
    tailOnce(w.live, state);
    expect(counted(state)).toEqual(w.expected());
  });

  it('--once ends while the writer keeps writing (it reads what was there, not a moving target)', async () => {
    const { w, state } = setup(24);
    w.rows(50);
    const writer = setInterval(() => w.rows(20), 2);
    try {
      const child = spawn(
        process.execPath,
        [CLI, 'tail', w.live, '--state', state, '--once', '--from', 'beginning', '--format', 'ndjson', '--chunk-size', '2048'],
        { stdio: 'ignore' },
      );
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(0);
    } finally {
      clearInterval(writer);
    }
    expect(counted(state).rows).toBeLessThanOrEqual(w.expected().rows);
    tailOnce(w.live, state);
    expect(counted(state)).toEqual(w.expected());
  });

  it('an idle live file (only its header) makes no commits and no noise', async () => {
    const { w, state } = setup(23);
    const child = startTail(w.live, state, ['--from', 'beginning']);
    const done = exited(child);
    const query = (sql: string) => {
      const db = new Database(join(state, 'state.db'), { readonly: true });
      try {
        return Number((db.prepare(sql).get() as { v: number | string }).v);
      } finally {
        db.close();
      }
    };
    const seq = () => query("SELECT value AS v FROM meta WHERE key = 'seq'");
    await until(() => query('SELECT max("offset") AS v FROM files') > 0); // the header is read and committed
    const first = seq();
    await sleep(600); // twenty polls and commit intervals with nothing to do
    expect(seq()).toBe(first);
    w.rows(2);
    await until(() => counted(state).rows === 2);
    expect(seq()).toBeGreaterThan(first);
    child.kill('SIGTERM');
    const end = await done;
    expect(end.code).toBe(0);
    // The new state's line, and the one that says the signal was heard.
    const lines = end.stderr.trim().split('\n');
    expect(lines.filter((l) => !l.includes('SIGTERM: stopping after a last commit')).length).toBeLessThanOrEqual(1);
  });

  it('a burst crossing several size-triggered rotations while following', async () => {
    const { w, state } = setup(25);
    const child = startTail(w.live, state, ['--from', 'beginning']);
    const done = exited(child);
    for (let i = 0; i < 8; i++) {
      for (let k = 0; k < 5; k++) w.rows(500);
      w.rotate();
    }
    w.rows(300);
    await until(() => counted(state).rows === w.expected().rows, 30_000);
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
    expect(counted(state)).toEqual(w.expected());
  });

  it('with the file watcher as a wake-up hint: rotated files deleted drained, and deleted unread (drained through the open descriptor)', async () => {
    const { w, state } = setup(21);
    w.rows(10);
    const child = startTail(w.live, state, ['--from', 'beginning', '--watch']);
    const done = exited(child);
    await until(() => counted(state).rows === 10);
    // Deleted right after the rotation, with rows the tool has not read: it holds the descriptor.
    w.rows(25);
    const unread = w.rotate();
    w.remove(unread.path);
    w.rows(5);
    await until(() => counted(state).rows === w.expected().rows);
    const drained = w.rotate();
    w.rows(5);
    await until(() => counted(state).rows === w.expected().rows);
    w.remove(drained.path);
    w.rows(3);
    await until(() => counted(state).rows === w.expected().rows);
    child.kill('SIGTERM');
    const end = await done;
    expect(end.code, end.stderr).toBe(0);
    expect(end.stderr).not.toMatch(/DATA LOST/);
    tailOnce(w.live, state);
    expect(counted(state)).toEqual(w.expected());
  });
});
