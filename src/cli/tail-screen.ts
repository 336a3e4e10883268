/**
 * The terminal side of the live view: alternate screen, hidden cursor, raw keys (q, i, p, v,
 * space), redraw every refresh and on resize, and the terminal put back as it was on every way
 * out (quit, signal, error).
 */
import type { ReadStream, WriteStream } from 'node:tty';
import { ANSI_PAINT, NO_PAINT } from '../render/highlight.js';
import { renderLiveView, type LiveStatus, type ViewMode } from '../render/live-view.js';
import type { TailSession } from '../app/tail/tail-session.js';
import { viewData } from '../app/tail/view-data.js';
import type { RuleSet } from '../verdict/types.js';

export interface ScreenOptions {
  readonly refresh: number;
  readonly color: boolean;
  readonly status: () => Omit<LiveStatus, 'paused' | 'notices'>;
  readonly notices: () => readonly string[];
  /** The verdict rules the rates are highlighted by. */
  readonly rules: RuleSet;
}

const ENTER = '\u001b[?1049h\u001b[?25l';
const LEAVE = '\u001b[?25h\u001b[?1049l';
const HOME_CLEAR = '\u001b[H\u001b[2J';

export class Screen {
  private readonly out: WriteStream;
  private readonly input: ReadStream;
  private readonly session: TailSession;
  private readonly opts: ScreenOptions;
  private mode: ViewMode = 'isp';
  private paused = false;
  private timer: NodeJS.Timeout | null = null;
  private active = false;
  private readonly onKey = (data: Buffer) => this.key(data.toString('latin1'));
  private readonly onResize = () => this.draw();

  constructor(session: TailSession, out: WriteStream, input: ReadStream, opts: ScreenOptions) {
    this.session = session;
    this.out = out;
    this.input = input;
    this.opts = opts;
  }

  start(): void {
    this.active = true;
    this.out.write(ENTER);
    if (this.input.isTTY) this.input.setRawMode(true);
    this.input.on('data', this.onKey);
    this.input.resume();
    this.out.on('resize', this.onResize);
    this.draw();
    this.timer = setInterval(() => this.draw(), this.opts.refresh);
  }

  private key(k: string): void {
    if (k === 'q' || k === 'Q' || k === '\u0003') this.session.stop();
    else if (k === 'i') this.mode = 'isp';
    else if (k === 'p') this.mode = 'ip';
    else if (k === 'v') this.mode = 'vmta';
    else if (k === ' ') this.paused = !this.paused;
    else return;
    this.draw(true);
  }

  /** Redraw (a paused view only redraws for keys and resizes). */
  draw(force = false): void {
    if (!this.active || (this.paused && !force)) return;
    const width = this.out.columns ?? 80;
    const height = this.out.rows ?? 24;
    const status: LiveStatus = { ...this.opts.status(), paused: this.paused, notices: this.opts.notices() };
    const data = viewData(this.session.state.db, this.session.state.config, this.mode);
    const frame = renderLiveView(status, data, width, height, this.opts.color ? ANSI_PAINT : NO_PAINT, this.opts.rules);
    this.out.write(HOME_CLEAR + frame.split('\n').join('\r\n'));
  }

  stop(): void {
    if (!this.active) return;
    this.active = false;
    if (this.timer !== null) clearInterval(this.timer);
    this.input.off('data', this.onKey);
    this.out.off('resize', this.onResize);
    if (this.input.isTTY) this.input.setRawMode(false);
    this.input.pause();
    this.out.write(LEAVE);
  }
}
