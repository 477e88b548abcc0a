import { SandboxError } from './errors.js';
import type { RequestBody } from './types.js';

/** The WebSocket class to use: the platform's (browsers, Node.js 22+) or one such as the `ws` package's. */
export type WebSocketClass = new (url: string) => WebSocket;

export type TerminalOptions = RequestBody<'/sandbox/{id}/terminal', 'post'> & {
  /** Where the platform has no global `WebSocket` (Node.js 18 and 20 without --experimental-websocket). */
  WebSocket?: WebSocketClass;
};

/**
 * An interactive terminal in a sandbox, over a WebSocket. What the terminal writes comes to the
 * `onData` listeners as bytes; `write` types; `exited` settles with the command's exit code when it
 * ends, or rejects if the connection fails first. Closing hangs the terminal up (its command gets
 * SIGHUP).
 */
export class Terminal {
  /** The command's exit code once it has ended. */
  readonly exited: Promise<number>;
  private readonly listeners = new Set<(bytes: Uint8Array) => void>();
  /** Output that came before the first listener. */
  private pending: Uint8Array[] | undefined = [];
  private readonly encoder = new TextEncoder();
  private exitCode: number | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.binaryType = 'arraybuffer';
    this.exited = new Promise<number>((resolve, reject) => {
      socket.addEventListener('message', (message: MessageEvent) => {
        if (typeof message.data !== 'string') {
          const bytes = new Uint8Array(message.data as ArrayBuffer);
          if (this.pending) {
            this.pending.push(bytes);
          }
          this.listeners.forEach((listener) => listener(bytes));
          return;
        }
        const control = JSON.parse(message.data) as { type: string; exit_code?: number; message?: string };
        if (control.type === 'exit') {
          this.exitCode = control.exit_code ?? -1;
          resolve(this.exitCode);
        } else if (control.type === 'error') {
          reject(new SandboxError(`terminal: ${control.message}`));
        }
      });
      socket.addEventListener('close', (event: CloseEvent) => {
        if (this.exitCode === undefined) {
          reject(new SandboxError(`the terminal closed before its command ended (${event.code}${event.reason ? ` ${event.reason}` : ''})`));
        }
      });
    });
    this.exited.catch(() => undefined); // observed through the promise when the caller wants it
  }

  /** Opens the socket at a ticket's URL (`ws://` or `wss://`). */
  static connect(url: string, socketClass?: WebSocketClass): Promise<Terminal> {
    const type = socketClass ?? (globalThis as { WebSocket?: WebSocketClass }).WebSocket;
    if (!type) {
      throw new SandboxError('this platform has no WebSocket: pass options.WebSocket (the ws package\'s, say)');
    }
    const socket = new type(url);
    return new Promise((resolve, reject) => {
      socket.addEventListener('open', () => resolve(new Terminal(socket)), { once: true });
      socket.addEventListener('error', () => reject(new SandboxError(`the terminal's WebSocket did not open: ${url.replace(/ticket=[^&]+/, 'ticket=...')}`)),
          { once: true });
    });
  }

  /** Calls `listener` with each piece of output (the first listener also gets what came before it); returns a function that stops it. */
  onData(listener: (bytes: Uint8Array) => void): () => void {
    this.pending?.forEach((bytes) => listener(bytes));
    this.pending = undefined;
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Types text (as UTF-8) or bytes. */
  write(input: string | Uint8Array): void {
    this.socket.send(typeof input === 'string' ? this.encoder.encode(input) : input);
  }

  /** Resizes the terminal (1 to 1000 each). */
  resize(cols: number, rows: number): void {
    this.socket.send(JSON.stringify({ type: 'resize', cols, rows }));
  }

  /** Hangs up. */
  close(): void {
    this.socket.close(1000);
  }
}
