/**
 * Headless Chromium (Debian's `chromium`, installed by .ci/run) driven over the DevTools protocol
 * on a pipe (--remote-debugging-pipe: requests on fd 3, answers on fd 4, NUL-separated JSON), so
 * no browser download and no npm dependency. Just what the report tests need: open a file, run an
 * expression, take a screenshot, collect console and security messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.PMTA_ACCT_CHROMIUM ?? '/usr/bin/chromium';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Params = Record<string, Json>;
interface Message {
  id?: number;
  method?: string;
  params?: { [k: string]: Json };
  result?: { [k: string]: Json };
  error?: { message: string };
  sessionId?: string;
}

export interface LogEntry {
  readonly source: string;
  readonly level: string;
  readonly text: string;
}

export class Browser {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  private readonly listeners: ((m: Message) => void)[] = [];
  private buffer = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    // A browser that dies (or cannot start) fails what waits for it instead of hanging the test.
    child.once('exit', (code, signal) => {
      for (const w of this.waiting.values()) w.reject(new Error(`chromium exited (${code ?? signal})`));
      this.waiting.clear();
    });
    child.once('error', (err) => {
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    });
    const out = child.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const msg = JSON.parse(this.buffer.slice(0, end)) as Message;
        this.buffer = this.buffer.slice(end + 1);
        if (msg.id !== undefined && this.waiting.has(msg.id)) {
          const w = this.waiting.get(msg.id);
          this.waiting.delete(msg.id);
          if (msg.error) w?.reject(new Error(msg.error.message));
          else w?.resolve(msg);
        } else {
          for (const l of this.listeners) l(msg);
        }
      }
    });
  }

  static async launch(): Promise<Browser> {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium; .ci/run does)`);
    const profile = mkdtempSync(join(tmpdir(), 'pmta-acct-chromium-'));
    const child = spawn(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        '--mute-audio',
        `--user-data-dir=${profile}`,
        '--remote-debugging-pipe',
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    const b = new Browser(child, profile);
    await b.send('Browser.getVersion');
    return b;
  }

  send(method: string, params: Params = {}, sessionId?: string): Promise<Message> {
    const id = this.next++;
    const msg = JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) });
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      (this.child.stdio[3] as Writable).write(`${msg}\0`);
    });
  }

  on(listener: (m: Message) => void): void {
    this.listeners.push(listener);
  }

  /** A new tab at the given viewport size, showing a local file. */
  async open(file: string, width = 1280, height = 900): Promise<Page> {
    const target = await this.send('Target.createTarget', { url: 'about:blank' });
    const attached = await this.send('Target.attachToTarget', { targetId: target.result?.targetId ?? '', flatten: true });
    const session = String(attached.result?.sessionId);
    const page = new Page(this, session);
    this.on((m) => page.event(m));
    await this.send('Page.enable', {}, session);
    await this.send('Runtime.enable', {}, session);
    await this.send('Log.enable', {}, session);
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false }, session);
    const loaded = page.waitFor('Page.loadEventFired');
    await this.send('Page.navigate', { url: pathToFileURL(file).href }, session);
    await loaded;
    return page;
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.send('Browser.close').catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(this.profile, { recursive: true, force: true });
  }
}

export class Page {
  readonly log: LogEntry[] = [];
  private readonly waiters: { method: string; resolve: () => void }[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly session: string,
  ) {}

  event(m: Message): void {
    if (m.sessionId !== this.session || m.method === undefined) return;
    if (m.method === 'Log.entryAdded') {
      const e = m.params?.entry as { source: string; level: string; text: string };
      this.log.push({ source: e.source, level: e.level, text: e.text });
    } else if (m.method === 'Runtime.consoleAPICalled') {
      this.log.push({ source: 'console', level: String(m.params?.type), text: JSON.stringify(m.params?.args) });
    } else if (m.method === 'Runtime.exceptionThrown') {
      this.log.push({ source: 'exception', level: 'error', text: JSON.stringify(m.params?.exceptionDetails) });
    }
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].method === m.method) this.waiters.splice(i, 1)[0].resolve();
    }
  }

  waitFor(method: string): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ method, resolve }));
  }

  /** Evaluate an expression in the page (DevTools evaluation: it is not subject to the page's CSP). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.browser.send('Runtime.evaluate', { expression, returnByValue: true }, this.session);
    const result = r.result as { result?: { value?: T }; exceptionDetails?: Json } | undefined;
    if (result?.exceptionDetails) throw new Error(`evaluate failed: ${JSON.stringify(result.exceptionDetails)}`);
    return result?.result?.value as T;
  }

  /** PNG of the whole page (beyond the viewport), or of `height` pixels from `y`. */
  async screenshot(y = 0, height?: number): Promise<Buffer> {
    const metrics = await this.browser.send('Page.getLayoutMetrics', {}, this.session);
    const size = metrics.result?.cssContentSize as { width: number; height: number };
    const h = Math.min(Math.ceil(size.height) - y, height ?? Number.POSITIVE_INFINITY);
    const shot = await this.browser.send(
      'Page.captureScreenshot',
      {
        format: 'png',
        captureBeyondViewport: true,
        clip: { x: 0, y, width: Math.ceil(size.width), height: h, scale: 1 },
      },
      this.session,
    );
    return Buffer.from(String(shot.result?.data), 'base64');
  }
}
