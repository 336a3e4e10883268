/**
 * `tail --stdin`, PowerMTA's pipe target, run as PowerMTA runs it: a program fed CSV on its
 * standard input, starting with a header row, restarted mid-stream (the header sent again), the
 * new program started before the old one has finished, killed with -9 at random points. What
 * reached the spool is counted exactly once; what can be lost is only what never reached it.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { rng } from '../helpers/acct-writer.js';
import { readPmtaConfig } from '../../src/pmta-config/parse.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { feed, HEADER_LINE, pipeRows, startPipe } from '../helpers/pipe.js';
import { scratchDirs } from '../helpers/session.js';
import { counted, sleep, stateReport, until } from '../helpers/tail.js';

const scratch = scratchDirs('pmta-stdin-');

const stderrs = new WeakMap<object, string>();

/** What a child wrote on standard error so far. */
function stderrOf(p: ReturnType<typeof startPipe>): string {
  if (!stderrs.has(p)) {
    stderrs.set(p, '');
    p.child.stderr?.on('data', (d: Buffer) => stderrs.set(p, `${stderrs.get(p) ?? ''}${d.toString()}`));
  }
  return stderrs.get(p) ?? '';
}

/** The inode of a path, or null when there is nothing there. */
function inode(path: string): bigint | null {
  return existsSync(path) ? statSync(path, { bigint: true }).ino : null;
}
const SOAK = process.env.PMTA_ACCT_SOAK === '1';

/** Feed text in pieces of random size (cut anywhere, mid-record included), as a pipe delivers it. */
async function feedInPieces(child: Parameters<typeof feed>[0], text: string, rand: () => number): Promise<void> {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length;) {
    const n = 1 + Math.floor(rand() * 700);
    await feed(child, bytes.subarray(at, at + n));
    at += n;
  }
}

describe('tail --stdin', () => {
  it('a writer that restarts the program mid-stream (the header sent again; the new program up before the old one ended): every complete record once', async () => {
    const root = scratch();
    const state = join(root, 'state');
    const rand = rng(18);
    const { writer, lines } = pipeRows(join(root, 'rows'), 300, 18);
    // first program: 100 rows, then PowerMTA closes the pipe (reload)
    const p1 = startPipe(state);
    await feedInPieces(p1.child, HEADER_LINE + lines.slice(0, 100).join(''), rand);
    p1.child.stdin?.end();
    const r1 = await p1.done;
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stderr).toMatch(/new state in .*: counting standard input/);
    expect(counted(state).rows).toBe(100);
    // second program: 80 rows and the start of one more, which the pipe's end leaves incomplete
    const p2 = startPipe(state);
    await feedInPieces(p2.child, HEADER_LINE + lines.slice(100, 180).join('') + lines[180].slice(0, 40), rand);
    await until(() => counted(state).rows === 180);
    // the third program is up while the second still holds the state: it waits, input kept, then takes over
    const p3 = startPipe(state);
    await feedInPieces(p3.child, HEADER_LINE + lines.slice(181, 250).join(''), rand);
    await until(() => stderrOf(p3).includes('another pmta-acct tail holds the state'));
    p2.child.stdin?.end();
    const r2 = await p2.done;
    expect(r2.code, r2.stderr).toBe(0);
    await feedInPieces(p3.child, lines.slice(250).join(''), rand);
    p3.child.stdin?.end();
    const r3 = await p3.done;
    expect(r3.code, r3.stderr).toBe(0);
    expect(r3.stderr).toContain('another pmta-acct tail holds the state');
    expect(counted(state)).toEqual(writer.expected((_, i) => i !== 180));
    // the record the second program never completed is reported, not counted
    expect(stateReport(state).input.problemCounts).toEqual({ TRUNCATED_RECORD: 1 });
    // spool files read to their end are gone: only the live one is left
    expect(readdirSync(join(state, 'spool'))).toEqual(['pipe.csv']);
  }, 90_000);

  it('a program whose input ends while another holds the state hands it over and exits; the holder counts it', async () => {
    const root = scratch();
    const state = join(root, 'state');
    const rand = rng(19);
    const { writer, lines } = pipeRows(join(root, 'rows'), 200, 19);
    const holder = startPipe(state);
    await feedInPieces(holder.child, HEADER_LINE + lines.slice(0, 50).join(''), rand);
    await until(() => counted(state).rows === 50);
    // an older program, slow to start, lost the race: its input ends while it waits
    const late = startPipe(state);
    await feedInPieces(late.child, HEADER_LINE + lines.slice(50, 120).join(''), rand);
    await until(() => stderrOf(late).includes('another pmta-acct tail holds the state'));
    late.child.stdin?.end(lines[120].slice(0, 25));
    const r = await late.done;
    expect(r.code, r.stderr).toBe(0);
    await until(() => counted(state).rows === 120);
    await feedInPieces(holder.child, lines.slice(121).join(''), rand);
    holder.child.stdin?.end();
    expect((await holder.done).code).toBe(0);
    expect(counted(state)).toEqual(writer.expected((_, i) => i !== 120));
    expect(stateReport(state).input.problemCounts).toEqual({ TRUNCATED_RECORD: 1 });
    expect(readdirSync(join(state, 'spool'))).toEqual(['pipe.csv']);
  }, 90_000);

  const ITERATIONS = SOAK ? 150 : 16;
  it(
    `kill -9 at ${ITERATIONS} seeded random points (and inside commits): what reached the spool is counted exactly once`,
    async () => {
      const seed = Number(process.env.PMTA_ACCT_SEED ?? 1811);
      const rand = rng(seed);
      const root = scratch();
      const state = join(root, 'state');
      const { writer, lines } = pipeRows(join(root, 'rows'), 1500, seed);
      const index = new Map(lines.map((l, i) => [l, i]));
      const reached = new Set<number>();
      const live = join(state, 'spool', 'pipe.csv');
      let next = 0;
      let kills = 0;
      for (let i = 0; i < ITERATIONS && next < lines.length; i++) {
        const mode = rand();
        const failpoint = mode < 0.3 ? `${['before', 'inside', 'after'][Math.floor(rand() * 3)]}:${2 + Math.floor(rand() * 3)}` : '';
        // A start cuts off a live spool that has bytes (else it appends to it): this run's stream starts at `from`.
        const before = inode(live);
        const from = before === null ? 0 : statSync(live).size;
        const mine = () => (inode(live) === before ? from : 0);
        const p = startPipe(state, ['--spool-size', String(1 << 30)], failpoint === '' ? {} : { PMTA_ACCT_FAILPOINT: failpoint });
        const n = Math.min(lines.length - next, 1 + Math.floor(rand() * 120));
        await feedInPieces(p.child, HEADER_LINE + lines.slice(next, next + n).join(''), rand);
        next += n;
        // once it is up and spooling (or dead at its failpoint), at a random point
        await until(
          () =>
            p.child.exitCode !== null ||
            p.child.signalCode !== null ||
            (existsSync(live) && statSync(live).size > mine() + HEADER_LINE.length),
        );
        await sleep(Math.floor(rand() * 150));
        p.child.kill('SIGKILL');
        const end = await p.done;
        if (end.signal === 'SIGKILL') kills++;
        // This run's stream is the live spool (the next start cuts it off): its complete rows reached the spool.
        const spooled = existsSync(live) ? readFileSync(live).subarray(mine()).toString('utf8') : '';
        for (const line of spooled.split(/(?<=\r\n)/)) {
          const at = index.get(line);
          if (at !== undefined) reached.add(at);
        }
      }
      const last = startPipe(state);
      last.child.stdin?.end(HEADER_LINE);
      const end = await last.done;
      expect(end.code, end.stderr).toBe(0);
      expect(kills).toBeGreaterThan(ITERATIONS / 2);
      // Most of what was fed reached the spool before the kill (else the test would prove little).
      expect(reached.size).toBeGreaterThan(next / 2);
      expect(counted(state), `seed ${seed}`).toEqual(writer.expected((_, i) => reached.has(i)));
    },
    SOAK ? 1_800_000 : 180_000,
  );

  it('cuts the spool by size at record boundaries, the header in effect on top of each file, across a header change', async () => {
    const root = scratch();
    const state = join(root, 'state');
    const { writer, lines } = pipeRows(join(root, 'rows'), 400, 7);
    // After row 200 PowerMTA's record-fields changed: the columns come in another order (type stays first).
    const header = HEADER_LINE.trim().split(',');
    const order = [0, ...[...header.keys()].slice(1).reverse()];
    const reorder = (line: string) => {
      const [cells] = parse(line, { relax_quotes: false }) as string[][];
      return `${order.map((k) => (/[",]/.test(cells[k]) ? `"${cells[k].replace(/"/g, '""')}"` : cells[k])).join(',')}\r\n`;
    };
    const text =
      HEADER_LINE + lines.slice(0, 200).join('') + `${order.map((k) => header[k]).join(',')}\r\n` + lines.slice(200).map(reorder).join('');
    const p = startPipe(state, ['--spool-size', '4096']);
    await feedInPieces(p.child, text, rng(3));
    p.child.stdin?.end();
    const r = await p.done;
    expect(r.code, r.stderr).toBe(0);
    expect(counted(state)).toEqual(writer.expected());
    expect(stateReport(state).input.problemCounts).toEqual({});
    const db = new Database(join(state, 'state.db'), { readonly: true });
    const cut = (db.prepare("SELECT count(*) AS n FROM files WHERE path LIKE '%/spool/pipe-%'").get() as { n: number }).n;
    db.close();
    expect(cut).toBeGreaterThan(10);
    expect(readdirSync(join(state, 'spool'))).toEqual(['pipe.csv']);
  }, 60_000);

  it("the README's <acct-file> block names a command that counts what PowerMTA pipes to it", async () => {
    const root = scratch();
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /```\n(<acct-file \|[\s\S]*?<\/acct-file>)\n```/.exec(readme);
    expect(block).not.toBeNull();
    const configFile = join(root, 'config');
    writeFileSync(configFile, (block as RegExpExecArray)[1]);
    const acct = readPmtaConfig(configFile).blocks.find((b) => b.tag === 'acct-file');
    expect(acct?.directives.map((d) => d.name)).toEqual(['records', 'record-fields', 'record-fields']);
    const command = (acct?.args ?? []).join(' ');
    expect(command).toMatch(/^\|\/usr\/bin\/pmta-acct tail --stdin /);
    const state = join(root, 'state');
    const args = command
      .split(' ')
      .slice(1)
      .map((a) => (a === '/var/lib/pmta-acct-pipe' ? state : a === '127.0.0.1:9470' ? '127.0.0.1:0' : a));
    const { writer, lines } = pipeRows(join(root, 'rows'), 25, 4);
    const r = runCli(args, { input: HEADER_LINE + lines.join('') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(counted(state)).toEqual(writer.expected());
  });

  it('says what it needs', () => {
    const root = scratch();
    expect(runCli(['tail', '--stdin', join(root, 'acct.csv'), '--state', join(root, 's')]).stderr).toContain(
      'tail --stdin reads standard input: name no live file',
    );
    expect(runCli(['tail', '--state', join(root, 's')]).stderr).toContain("name PowerMTA's live accounting file");
    expect(runCli(['tail', '--stdin', '--once', '--state', join(root, 's')]).stderr).toContain('--once is for followed files');
    expect(runCli(['tail', '--stdin', '--format', 'view', '--state', join(root, 's')]).code).toBe(3);
    // a state that follows a file is not a pipe's
    const r = runCli(['tail', join(root, 'acct.csv'), '--state', join(root, 'f'), '--once'], {});
    expect(r.code).toBe(0);
    const s = runCli(['tail', '--stdin', '--state', join(root, 'f')], { input: HEADER_LINE });
    expect(s.code).toBe(3);
    expect(s.stderr).toMatch(/it follows .*acct\.csv, not .*spool\/pipe\.csv/);
  });

  it('a metrics port in use ends it with the reason (standard input does not keep it up)', async () => {
    const root = scratch();
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (busy.address() as AddressInfo).port;
      const p = startPipe(join(root, 's'), ['--metrics', `127.0.0.1:${port}`]);
      await feed(p.child, HEADER_LINE);
      const r = await p.done;
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('EADDRINUSE');
    } finally {
      busy.close();
    }
  });
});
