/**
 * Following a stream (`mosqlog follow -`, e.g. `docker logs -f broker | mosqlog follow -`):
 * chunks until the stream ends or the signal aborts.
 */
import type { Readable } from 'node:stream';
import type { TailSegment } from './tailer.js';

/**
 * Yields the chunks of `stream` as they come. On abort it hands over what is already buffered
 * and ends; stream errors are thrown. Listeners are removed when it ends.
 */
export async function* readUntilAborted(stream: Readable, signal?: AbortSignal): AsyncGenerator<Buffer> {
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
      if (ended || signal?.aborted) return;
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

/** A stream as the one segment a follow reads: all of it is live. */
export async function* streamSegments(stream: Readable, signal?: AbortSignal): AsyncGenerator<TailSegment> {
  yield { restart: true, history: false, chunks: readUntilAborted(stream, signal) };
}
