/**
 * process.stdout and process.stderr, which Node makes on first use. For a pipe that loads net and
 * its stream modules: about 160 pages touched and a few ms of a small report whose output goes to
 * a pipe (bench/RESULTS.md, ninth pass), while a report writes its output with writeSync (io.ts)
 * and needs neither stream. So: whether stdout is a terminal is asked of the stream only when it
 * can be one, and the end of a run asks only the streams that were made whether they hold bytes
 * not yet written.
 */
import { fstatSync } from 'node:fs';

type StreamName = 'stdout' | 'stderr';

const made: Record<StreamName, boolean> = { stdout: false, stderr: false };

/**
 * Note when Node makes the stream, and hand it to `onMade` then (whoever asked for it first: our
 * code, commander's help, a library). Node's own getter makes it, and is put back once it ran.
 */
export function watchStream(name: StreamName, onMade: (stream: NodeJS.WriteStream) => void): void {
  const own = Object.getOwnPropertyDescriptor(process, name);
  if (own?.get === undefined || own.configurable !== true) {
    // not made lazily on this Node: take it now
    made[name] = true;
    onMade(process[name]);
    return;
  }
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: own.enumerable,
    get() {
      Object.defineProperty(process, name, own);
      const stream = process[name];
      made[name] = true;
      onMade(stream);
      return stream;
    },
  });
}

/** Bytes written to stdout or stderr through their streams that the system has not taken yet. */
export function unwrittenOutput(): boolean {
  return (made.stdout && process.stdout.writableLength > 0) || (made.stderr && process.stderr.writableLength > 0);
}

/**
 * Whether stdout is a terminal. A terminal is a character device: a pipe or a file is not, and
 * is answered without the stream (/dev/null is one, and is asked as a terminal is).
 */
export function stdoutIsTerminal(): boolean {
  if (!made.stdout) {
    try {
      if (!fstatSync(1).isCharacterDevice()) return false;
    } catch {
      return false;
    }
  }
  return process.stdout.isTTY;
}
