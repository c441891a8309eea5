// Opening a TCP connection to a device, bounded by a timeout and the caller's signal, with
// the failure typed: one place for every protocol's client.

import { connect as netConnect, type Socket } from "node:net";
import { deadline } from "./deadline.js";
import { ConnectionFailedError } from "./errors.js";

export interface TcpConnectOptions {
  /** Longest wait for the connection, in milliseconds; default 5000. */
  timeout?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT = 5000;

/**
 * Connects to `host:port`. An unreachable host, a refused port or no answer within
 * `timeout` is a ConnectionFailedError; an abort of `signal` rejects with its reason. The
 * socket has Nagle off and TCP keep-alive on (as pyatv's), so a device gone without a FIN
 * is noticed.
 */
export function tcpConnect(
  host: string,
  port: number,
  options: TcpConnectOptions = {},
): Promise<Socket> {
  const { signal, timeout = DEFAULT_TIMEOUT } = options;
  signal?.throwIfAborted();
  const bound = deadline(timeout, signal);
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    const cleanup = (): void => {
      bound.signal.removeEventListener("abort", onAbort);
      bound.clear();
      socket.off("error", onError);
      socket.off("connect", onConnect);
    };
    const onAbort = (): void => {
      cleanup();
      socket.destroy();
      if (bound.timedOut) {
        reject(
          new ConnectionFailedError(`no connection to ${host}:${port} within ${timeout} ms`, {
            cause: bound.signal.reason,
          }),
        );
      } else {
        reject(signal?.reason);
      }
    };
    const onError = (error: Error): void => {
      cleanup();
      socket.destroy();
      reject(
        new ConnectionFailedError(`cannot connect to ${host}:${port}: ${error.message}`, {
          cause: error,
        }),
      );
    };
    const onConnect = (): void => {
      cleanup();
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 10_000);
      resolve(socket);
    };
    if (bound.signal.aborted) onAbort();
    else bound.signal.addEventListener("abort", onAbort, { once: true });
    socket.once("error", onError);
    socket.once("connect", onConnect);
  });
}
