/**
 * Several live accounting files followed into one state: PowerMTA configs may split record types
 * over several `<acct-file>` blocks (`records d,b` in acct.csv, `records t,tq` in diag.csv), and a
 * deferral rate needs both. One Follower per live file, all feeding the same sink; the group
 * routes the stored file rows to the follower whose layout names them, and back.
 */
import { basename, dirname } from 'node:path';
import { ScannerPool } from '../parse/scanner.js';
import type { FileRow } from './file-row.js';
import { isRotatedName, type Layout } from './discovery.js';
import { Follower, type FollowedFile, type FollowHooks, type FollowOptions, type StartFrom } from './follower.js';

/** Whether a path is a layout's live file or one of its rotated names in its directories. */
export function ownsPath(layout: Layout, path: string): boolean {
  return path === layout.live || (layout.dirs.includes(dirname(path)) && isRotatedName(layout, basename(path)));
}

export class FollowerGroup {
  readonly members: readonly Follower[];
  private readonly layouts: readonly Layout[];
  /** Which follower gave each row at the last checkpoint (a failed commit gives them back). */
  private origin = new Map<FileRow, Follower>();

  constructor(layouts: readonly Layout[], opts: Omit<FollowOptions, 'layout'>, hooks: FollowHooks) {
    this.layouts = layouts;
    // One pool for all: the files of every live file are read in turn by the same few scanners.
    const scanners = opts.scanners ?? new ScannerPool();
    this.members = layouts.map((layout) => new Follower({ ...opts, scanners, layout }, hooks));
  }

  private ownerIndex(path: string): number {
    const i = this.layouts.findIndex((l) => ownsPath(l, path));
    return i < 0 ? 0 : i;
  }

  /** Set up every follower from its own stored rows (rows no layout names go to the first). */
  async start(rows: readonly FileRow[], from: StartFrom | null): Promise<void> {
    const own = this.members.map((): FileRow[] => []);
    for (const row of rows) own[this.ownerIndex(row.path)].push(row);
    for (const [i, m] of this.members.entries()) await m.start(own[i], from);
  }

  async poll(): Promise<void> {
    for (const m of this.members) await m.poll();
  }

  wake(): void {
    for (const m of this.members) m.wake();
  }

  get scanPending(): boolean {
    return this.members.some((m) => m.scanPending);
  }

  get caughtUp(): boolean {
    return this.members.every((m) => m.caughtUp);
  }

  checkpoint(): FileRow[] {
    this.origin = new Map();
    const out: FileRow[] = [];
    for (const m of this.members) {
      for (const row of m.checkpoint()) {
        this.origin.set(row, m);
        out.push(row);
      }
    }
    return out;
  }

  unsaved(rows: readonly FileRow[]): void {
    for (const m of this.members) m.unsaved(rows.filter((r) => (this.origin.get(r) ?? this.members[0]) === m));
  }

  lag(): number {
    return this.members.reduce((n, m) => n + m.lag(), 0);
  }

  followed(): FollowedFile[] {
    return this.members.flatMap((m) => m.followed());
  }

  /** The first live file's newest rotated file (for messages). */
  newestRotated(): string | null {
    return this.members[0].newestRotated();
  }

  close(): void {
    for (const m of this.members) m.close();
  }
}
