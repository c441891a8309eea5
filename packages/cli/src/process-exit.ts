/**
 * What still has to finish before the process may end: a write to a stream or a file
 * under way. (Sockets and timers are left to be cut: the command is over.)
 */
const UNFINISHED = new Set([
  "SimpleWriteWrap", // one buffer written to a stream (stdout to a full pipe, say)
  "WriteWrap", // several at once
  "FSReqCallback",
  "FSReqPromise",
]);

/**
 * Ends the process with `code` once a command is done. Left to itself, Node ends only
 * when nothing is left on its event loop: it waits for the device to close its end of
 * a connection, and then frees the whole heap, which costs a cold command over a
 * millisecond more than it costs `node -e 0`. process.exit() skips both, and it is
 * called only once nothing is being written: on the next turn of the event loop
 * (callbacks already queued have run), when no stream or file write is under way. Text
 * still queued for a slow pipe is never cut off; Node then ends in its own time.
 */
export function exitWhenDone(code: number): void {
  process.exitCode = code;
  setImmediate(() => {
    if (process.getActiveResourcesInfo().some((resource) => UNFINISHED.has(resource))) return;
    process.exit();
  }).unref();
}
