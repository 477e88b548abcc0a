/** One server-sent event, as the HTML standard defines the format (comments are skipped). */
export interface ServerSentEvent {
  /** The `id:` field, when the event had one. */
  id?: string;
  /** The `event:` field; `message` when absent. */
  event: string;
  /** The `data:` lines, joined by newlines. */
  data: string;
}

/**
 * The events of a `text/event-stream` body, as they arrive. Works on any `ReadableStream` (Node's
 * fetch and browsers'), through a reader rather than async iteration, which not every browser has.
 */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let id: string | undefined;
  let event = '';
  let data: string[] = [];
  let sawData = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let end: number;
      // A line ends at \n, \r\n or \r; a \r at the very end may be the first half of \r\n.
      while ((end = lineEnd(buffer, done)) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(buffer[end] === '\r' && buffer[end + 1] === '\n' ? end + 2 : end + 1);
        if (line === '') {
          if (sawData) {
            yield { id, event: event || 'message', data: data.join('\n') };
          }
          event = '';
          data = [];
          sawData = false;
          continue;
        }
        if (line.startsWith(':')) {
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) {
          value = value.slice(1);
        }
        if (field === 'data') {
          data.push(value);
          sawData = true;
        } else if (field === 'event') {
          event = value;
        } else if (field === 'id' && !value.includes('\0')) {
          id = value;
        }
      }
      if (done) {
        return;
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

function lineEnd(buffer: string, done: boolean): number {
  for (let i = 0; i < buffer.length; i++) {
    const c = buffer[i];
    if (c === '\n') {
      return i;
    }
    if (c === '\r') {
      return i + 1 < buffer.length || done ? i : -1;
    }
  }
  return -1;
}
