/**
 * Following a stream (`mosqlog follow -`, e.g. `docker logs -f broker | mosqlog follow -`, or a
 * named pipe): chunks until the stream ends or the signal aborts.
 */
import { constants, openSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { gunzipChunks } from '../input.js';
import type { TailSegment } from './tailer.js';

/**
 * Yields the chunks of `stream` as they come. On abort it hands over what is already buffered,
 * ends and destroys the stream: an open pipe whose writer goes on must not keep the process
 * alive after the summary. Stream errors are thrown. Listeners are removed when it ends.
 */
async function* readUntilAborted(stream: Readable, signal?: AbortSignal): AsyncGenerator<Buffer> {
  let ended = stream.readableEnded;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const poke = (): void => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const onEnd = (): void => {
    ended = true;
    poke();
  };
  const onError = (error: unknown): void => {
    failure = error;
    poke();
  };
  stream.on('readable', poke);
  stream.on('end', onEnd);
  stream.on('error', onError);
  signal?.addEventListener('abort', poke);
  try {
    for (;;) {
      if (failure !== null) throw failure;
      const chunk: unknown = stream.read();
      if (chunk !== null) {
        yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        continue;
      }
      if (ended) return;
      if (signal?.aborted) {
        stream.destroy();
        return;
      }
      // Stream events come on a later tick, so none can slip in before `wake` is set.
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    stream.off('readable', poke);
    stream.off('end', onEnd);
    stream.off('error', onError);
    signal?.removeEventListener('abort', poke);
  }
}

/**
 * True when `path` names a FIFO, which is read as a stream rather than tailed. Synchronous: one
 * look before following begins, which must not let lines written meanwhile pass as history.
 */
export function isNamedPipe(path: string): boolean {
  try {
    return statSync(path).isFIFO();
  } catch {
    // Missing or unreadable: the tailer waits for it or says why.
    return false;
  }
}

/**
 * A named pipe as a stream that, like `tail -f` on one, outlives its writers: opened for reading
 * and writing (Linux never blocks on that, and no writer closing ends it) and non-blocking, so a
 * stop leaves no read waiting in the thread pool.
 */
export function openNamedPipe(path: string): Readable {
  return new Socket({ fd: openSync(path, constants.O_RDWR | constants.O_NONBLOCK), readable: true, writable: false });
}

/** A stream as a segment a follow reads: all of it is live, and gunzipped when it is gzip. */
export function streamSegment(stream: Readable, signal?: AbortSignal): TailSegment {
  return { restart: true, history: false, chunks: gunzipChunks(readUntilAborted(stream, signal), signal) };
}

/** A stream as the one segment a follow reads ({@link streamSegment}). */
export async function* streamSegments(stream: Readable, signal?: AbortSignal): AsyncGenerator<TailSegment> {
  yield streamSegment(stream, signal);
}
