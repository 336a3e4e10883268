/**
 * `tail --stdin`: PowerMTA's pipe target. Standard input is read from the start (PowerMTA is never
 * held up) into the state's spool (src/tail/stdin-spool.ts), and followed from there like any
 * accounting file. PowerMTA starts a new program when it restarts the pipe, maybe before the old one
 * has let go of the state: while another tail holds it, this one hands its input over as spool
 * files (every second, and at the end of its input, after which it exits) and keeps trying to take
 * the state. At the end of input the holder reads the spool to its end, commits and exits.
 */
import { messageOf, PmtaAcctError } from '../../errors.js';
import { FileRows } from '../../state/file-rows.js';
import { StdinSpool } from './stdin-spool.js';
import type { TailSession } from './tail-session.js';

/** While another tail holds the state: input handed over this often, or once this much is held. */
const HAND_OVER_MS = 1000;
const HAND_OVER_BYTES = 16 << 20;
const RETRY_MS = 200;

function isLocked(err: unknown): boolean {
  // state-db.ts takeLock(): the one message a held lock gives
  return err instanceof PmtaAcctError && err.code === 'STATE' && err.message.includes('another pmta-acct tail is using this state');
}

export class PipeInput {
  private readonly input: NodeJS.ReadStream;
  private readonly spool: StdinSpool;
  private phase: 'opening' | 'waiting' | 'holding' = 'opening';
  private ended = false;
  private session: TailSession | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failing: NodeJS.Timeout | null = null;
  private notice: ((m: string) => void) | null = null;
  private rows: FileRows | null = null;
  private readonly onData = (chunk: Buffer) => this.take(chunk);
  private readonly onEnd = () => this.finish();

  /** Start reading `input` now (held in memory until the state is opened). */
  constructor(input: NodeJS.ReadStream, stateDir: string, maxBytes: number) {
    this.input = input;
    this.spool = new StdinSpool(stateDir, { maxBytes });
    input.on('data', this.onData);
    input.on('end', this.onEnd);
    input.on('error', this.onEnd);
  }

  private take(chunk: Buffer): void {
    this.guard(() => {
      this.spool.append(chunk);
      if (this.phase === 'holding') this.session?.wake();
      else if (this.phase === 'waiting' && this.spool.pending >= HAND_OVER_BYTES) this.spool.handOff();
    });
  }

  /**
   * Writing the spool failed (disk full...): input stays in memory, standard input is paused once
   * that holds HAND_OVER_BYTES (PowerMTA then waits on the pipe), and the write is tried again every
   * second until it goes through.
   */
  private guard(write: () => void): void {
    try {
      write();
      if (this.failing !== null) {
        this.notice?.('the spool can be written again');
        clearInterval(this.failing);
        this.failing = null;
        this.input.resume();
      }
    } catch (err) {
      if (this.failing === null) {
        this.notice?.(`cannot write the spool (${messageOf(err)}): standard input is kept in memory and written once it can be`);
        this.failing = setInterval(() => this.guard(() => (this.phase === 'holding' ? this.spool.retry() : this.spool.handOff())), 1000);
      }
      if (this.spool.pending >= HAND_OVER_BYTES) this.input.pause();
    }
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.phase === 'opening') return;
    // waiting: the last hand-over; holding: into the live spool, then read to its end
    this.guard(() => this.spool.end());
    if (this.phase === 'holding') this.stopWhenRead();
  }

  /** After the end of input: stop once the follower has read the spool to its end (run() then commits). */
  private stopWhenRead(): void {
    const session = this.session;
    const spool = this.spool;
    if (session === null || this.timer !== null) return;
    // Read to the end of the live spool as written (an incomplete last record stays unread, and is reported).
    const check = () => {
      const live = session.follower.followed().find((f) => f.path === spool.live);
      const read = live === undefined ? spool.liveBytes === 0 : live.size === spool.liveBytes && live.size - live.offset <= spool.trailing;
      if (read && session.follower.caughtUp && session.follower.lag() <= spool.trailing) session.stop();
    };
    session.wake();
    this.timer = setInterval(check, 50);
  }

  /**
   * Open the session and take over the spool; while another tail holds the state (`notice` says so
   * once), hand input over and try again. Null: the input ended while another tail held the state,
   * and all of it was handed over to that one.
   */
  async open(openSession: () => Promise<TailSession>, notice: (m: string) => void): Promise<TailSession | null> {
    this.notice = notice;
    for (;;) {
      try {
        const session = await openSession();
        this.became(session);
        return session;
      } catch (err) {
        if (!isLocked(err)) {
          this.close();
          throw err;
        }
      }
      if (this.phase === 'opening') {
        notice(
          'another pmta-acct tail holds the state (PowerMTA restarted the pipe?): handing input over to it as spool files until it lets go',
        );
        this.phase = 'waiting';
        this.timer = setInterval(() => this.guard(() => this.spool.handOff()), HAND_OVER_MS);
      }
      if (this.ended) {
        this.spool.end();
        this.close();
        return null;
      }
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }

  private became(session: TailSession): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.session = session;
    this.spool.takeOver();
    this.phase = 'holding';
    if (this.ended) {
      this.spool.end();
      this.stopWhenRead();
    }
    session.wake();
  }

  /** Before a commit: what the follower read from the spool is on disk. */
  sync(): void {
    this.spool.sync();
  }

  /** After a commit: spool files read to their end are deleted. */
  committed(): void {
    if (this.phase !== 'holding' || this.session === null) return;
    this.rows ??= new FileRows(this.session.state.db);
    this.spool.cleanup(this.rows.active());
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    if (this.failing !== null) clearInterval(this.failing);
    this.timer = null;
    this.failing = null;
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.off('error', this.onEnd);
    this.input.pause();
    this.spool.close();
  }
}
