import type { FileHandle } from "node:fs/promises";
import { open as openFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { get as httpGet } from "node:http";
import { get as httpsGet } from "node:https";
import { fileURLToPath } from "node:url";
import {
  AtvError,
  ConnectionFailedError,
  ConnectionLostError,
  HttpError,
  InvalidConfigError,
  ProtocolError,
} from "@atv/interface";

const FILE_CHUNK = 64 * 1024;
const MAX_REDIRECTS = 5;

/** Raw bytes of an audio source, pulled chunk by chunk. */
export interface ByteInput {
  /** Total size in bytes when known (a file, an HTTP body with Content-Length). */
  readonly size: number | undefined;
  /** A name for error messages: the path or URL. */
  readonly name: string;
  /** The next chunk of any size; undefined at the end. */
  next(): Promise<Uint8Array | undefined>;
  /** Bytes at an absolute position without moving the stream; only for seekable inputs. */
  readAt?(position: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

export async function openByteInput(
  input: string | URL | NodeJS.ReadableStream,
  signal: AbortSignal | undefined,
): Promise<ByteInput> {
  signal?.throwIfAborted();
  if (typeof input !== "string" && !(input instanceof URL)) {
    return new StreamInput(input, "stream", undefined, signal);
  }
  if (input === "-") return new StreamInput(process.stdin, "standard input", undefined, signal);
  const url = input instanceof URL ? input : parseHttpUrl(input);
  if (url) {
    if (url.protocol === "file:") return openFileInput(fileURLToPath(url), signal);
    return openHttpInput(url, signal);
  }
  return openFileInput(input as string, signal);
}

function parseHttpUrl(text: string): URL | undefined {
  if (!/^https?:\/\//i.test(text)) return undefined;
  try {
    return new URL(text);
  } catch (cause) {
    throw new InvalidConfigError(`invalid URL: ${text}`, { cause });
  }
}

async function openFileInput(path: string, signal: AbortSignal | undefined): Promise<ByteInput> {
  let handle: FileHandle;
  try {
    handle = await openFile(path, "r");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code;
    throw new InvalidConfigError(`cannot open audio file ${path}: ${why}`, { cause });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new InvalidConfigError(`not a regular file: ${path}`);
    // A first read surfaces EISDIR-like failures before anything is sent.
    return new FileInput(handle, path, stat.size, signal);
  } catch (error) {
    await handle.close();
    throw error;
  }
}

class FileInput implements ByteInput {
  private position = 0;
  private closed = false;

  constructor(
    private readonly handle: FileHandle,
    readonly name: string,
    readonly size: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async next(): Promise<Uint8Array | undefined> {
    this.signal?.throwIfAborted();
    if (this.closed) return undefined;
    const chunk = await this.readAt(this.position, FILE_CHUNK);
    if (chunk.length === 0) return undefined;
    this.position += chunk.length;
    return chunk;
  }

  async readAt(position: number, length: number): Promise<Uint8Array> {
    const buffer = new Uint8Array(length);
    try {
      const { bytesRead } = await this.handle.read(buffer, 0, length, position);
      return buffer.subarray(0, bytesRead);
    } catch (cause) {
      throw new InvalidConfigError(`cannot read audio file ${this.name}`, { cause });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}

/** Pulls from any Node readable; an abort rejects a pending pull even if the stream stalls. */
class StreamInput implements ByteInput {
  private readonly iterator: AsyncIterator<unknown>;
  private readonly keepOpen: boolean;
  private done = false;
  private closed = false;
  private received = 0;

  constructor(
    private readonly stream: NodeJS.ReadableStream,
    readonly name: string,
    readonly size: number | undefined,
    private readonly signal: AbortSignal | undefined,
    private readonly onClose?: () => void,
  ) {
    // Standard input stays open for the rest of the process; other streams are ours to end.
    this.keepOpen = stream === process.stdin;
    const readable = stream as {
      iterator?: (o: { destroyOnReturn: boolean }) => AsyncIterator<unknown>;
    };
    this.iterator =
      this.keepOpen && typeof readable.iterator === "function"
        ? readable.iterator.call(stream, { destroyOnReturn: false })
        : stream[Symbol.asyncIterator]();
  }

  async next(): Promise<Uint8Array | undefined> {
    this.signal?.throwIfAborted();
    if (this.done) return undefined;
    let result: IteratorResult<unknown>;
    try {
      result = await raceAbort(this.iterator.next(), this.signal);
    } catch (cause) {
      if (this.signal?.aborted || cause instanceof AtvError) throw cause;
      // A body cut off mid-transfer is a lost connection; any other stream failing is its own.
      const message = `reading ${this.name} failed: ${(cause as Error)?.message ?? cause}`;
      throw this.onClose
        ? new ConnectionLostError(message, { cause })
        : new ProtocolError(message, { cause });
    }
    if (result.done) {
      this.done = true;
      // An HTTP body that ends short of its Content-Length was cut off, not finished.
      if (this.size !== undefined && this.received < this.size) {
        throw new ConnectionLostError(
          `${this.name} ended after ${this.received} of ${this.size} bytes`,
        );
      }
      return undefined;
    }
    const value = result.value;
    const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value;
    if (bytes instanceof Uint8Array) {
      this.received += bytes.length;
      return bytes;
    }
    throw new ProtocolError(`${this.name} gave a chunk that is not bytes`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.done = true;
    this.onClose?.();
    if (!this.keepOpen) {
      const destroy = (this.stream as { destroy?: () => void }).destroy;
      if (typeof destroy === "function") destroy.call(this.stream);
    }
    // Ending the iterator releases its listeners without waiting on a stalled stream.
    void this.iterator.return?.().catch(() => {});
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

async function openHttpInput(url: URL, signal: AbortSignal | undefined): Promise<ByteInput> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await httpRequest(current, signal);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      current = new URL(response.headers.location, current);
      if (current.protocol !== "http:" && current.protocol !== "https:") {
        throw new InvalidConfigError(`redirected to an unsupported URL: ${current.href}`);
      }
      continue;
    }
    if (status < 200 || status >= 300) {
      response.resume();
      throw new HttpError(`GET ${current.href} failed: ${status}`, status);
    }
    const length = Number(response.headers["content-length"]);
    const size = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
    return new StreamInput(response, current.href, size, signal, () => response.destroy());
  }
  throw new HttpError(`GET ${url.href}: more than ${MAX_REDIRECTS} redirects`, 310);
}

function httpRequest(url: URL, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  const get = url.protocol === "https:" ? httpsGet : httpGet;
  return new Promise((resolve, reject) => {
    const request = get(url, { signal }, resolve);
    request.on("error", (cause: Error) => {
      if (signal?.aborted) reject(signal.reason);
      else
        reject(new ConnectionFailedError(`cannot fetch ${url.href}: ${cause.message}`, { cause }));
    });
  });
}
