/**
 * A one-line progress display on stderr (files done, bytes, rows/s, ETA), redrawn at most ten
 * times a second and erased at the end. Only for a terminal: nothing is written when stderr is
 * piped or redirected, unless --progress asks for it.
 */
import type { RunProgress } from '../engine/run.js';
import { formatBytes, formatCount, formatSeconds } from '../render/format.js';

export function formatProgress(p: RunProgress, elapsedSeconds: number): string {
  const pct = p.bytes > 0 ? Math.min(100, Math.floor((100 * p.bytesDone) / p.bytes)) : 0;
  const rate = elapsedSeconds > 0 ? p.records / elapsedSeconds : 0;
  const byteRate = elapsedSeconds > 0 ? p.bytesDone / elapsedSeconds : 0;
  const left = Math.max(0, p.bytes - p.bytesDone);
  const eta = byteRate > 0 && p.filesDone < p.files ? formatSeconds(Math.ceil(left / byteRate)) : '-';
  const rows = rate >= 1e6 ? `${(rate / 1e6).toFixed(1)} M` : rate >= 1e3 ? `${(rate / 1e3).toFixed(0)} k` : `${Math.round(rate)}`;
  return `${formatCount(p.filesDone)}/${formatCount(p.files)} files, ${formatBytes(Math.min(p.bytesDone, p.bytes))} of ${formatBytes(p.bytes)} (${pct}%), ${rows} rows/s, ETA ${eta}`;
}

export class ProgressLine {
  private readonly started = Date.now();
  private last = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(p: RunProgress): void {
    const now = Date.now();
    if (now - this.last < 100 && p.filesDone < p.files) return;
    this.last = now;
    const text = `pmta-acct: ${formatProgress(p, (now - this.started) / 1000)}`;
    const width = this.stream.columns ?? 100;
    this.stream.write(`\r${text.length >= width ? text.slice(0, width - 1) : text}\u001b[K`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\u001b[K');
    this.drawn = false;
  }
}

/** A progress line when asked for, or by default when stderr is a terminal; else nothing. */
export function progressFor(flag: boolean | undefined): ProgressLine | null {
  const on = flag ?? process.stderr.isTTY;
  return on ? new ProgressLine(process.stderr) : null;
}
