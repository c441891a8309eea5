// DAAP requests with the login bookkeeping pyatv's DaapRequester does (daap.py): log in
// with the pairing GUID or the Home Sharing id, append the session id to every request,
// and on a failed request log in again and retry once.

import {
  type AbortOptions,
  AuthenticationError,
  HttpError,
  InvalidCredentialsError,
  type Logger,
  NotSupportedError,
  ProtocolError,
  silentLogger,
} from "@atv/interface";
import { type DmapNode, decodeDmap, first, prettyDmap } from "../tags/index.js";
import type { DmapHttpClient, DmapHttpResponse } from "./http-client.js";

/** The headers pyatv's DaapRequester sends with every request (daap.py _DMAP_HEADERS). */
export const DMAP_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  Accept: "*/*",
  "Accept-Encoding": "gzip",
  "Client-DAAP-Version": "3.13",
  "Client-ATV-Sharing-Version": "1.2",
  "Client-iTunes-Sharing-Version": "3.15",
  "User-Agent": "Remote/1021",
  "Viewer-Only-Client": "1",
});

/** Default wait for one request (daap.py DEFAULT_TIMEOUT, 10 s). */
export const DEFAULT_REQUEST_TIMEOUT = 10_000;

// Closing should not wait long on a device that went away.
const LOGOUT_TIMEOUT = 1000;

/** Where "session-id" (and, for login, the login id) goes in a command. */
export const AUTH = "[AUTH]";

export interface DaapRequestOptions extends AbortOptions {
  /** Milliseconds; 0 waits for ever (long polls). Default 10 s. */
  timeout?: number;
}

export interface DaapPostOptions extends DaapRequestOptions {
  body?: Uint8Array;
}

// pyatv matches these with re.match, i.e. at the start of the credentials only.
const PAIRING_GUID = /^0x[0-9A-Fa-f]{16}/;
const HOME_SHARING_ID = /^[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}/;

/**
 * The login parameter for credentials: "pairing-guid=0x…" for a paired remote,
 * "hsgid=…" for a Home Sharing id; InvalidCredentialsError for anything else.
 */
export function loginParameter(loginId: string): string {
  if (PAIRING_GUID.test(loginId)) return `pairing-guid=${encodeURIComponent(loginId)}`;
  if (HOME_SHARING_ID.test(loginId)) return `hsgid=${encodeURIComponent(loginId)}`;
  throw new InvalidCredentialsError(`invalid DMAP credentials: ${loginId}`);
}

export class DaapRequester {
  readonly #http: DmapHttpClient;
  readonly #loginParameter: string;
  readonly #logger: Logger;
  #sessionId = 0;
  #loggingIn: Promise<number> | undefined;

  /** Throws InvalidCredentialsError at once for credentials pyatv would not accept. */
  constructor(http: DmapHttpClient, loginId: string, logger: Logger = silentLogger) {
    this.#http = http;
    this.#loginParameter = loginParameter(loginId);
    this.#logger = logger;
  }

  /** The session id of the last login; 0 before any. */
  get sessionId(): number {
    return this.#sessionId;
  }

  /** Logs in (again) and keeps the session id the device gives (mlog.mlid). */
  login(opts: DaapRequestOptions = {}): Promise<number> {
    // Requests that find themselves logged out at once share one login.
    this.#loggingIn ??= this.#login(opts).finally(() => {
      this.#loggingIn = undefined;
    });
    return this.#loggingIn;
  }

  /**
   * Ends the session on the device, as Apple's remotes do on leaving (pyatv never does).
   * Best effort: a device that is gone or refuses is not an error here.
   */
  async logout(opts: DaapRequestOptions = {}): Promise<void> {
    if (this.#sessionId === 0) return;
    const path = `logout?session-id=${this.#sessionId}`;
    this.#sessionId = 0;
    try {
      await this.#http.request({
        method: "GET",
        path,
        headers: DMAP_HEADERS,
        timeout: opts.timeout ?? LOGOUT_TIMEOUT,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (error) {
      this.#logger.debug("dmap: logout failed: %o", error);
    }
  }

  /** GET of a DMAP answer; `command` may hold "[AUTH]" where the session id goes. */
  async get(command: string, opts: DaapRequestOptions = {}): Promise<DmapNode[]> {
    return this.#decode(command, await this.getRaw(command, opts));
  }

  /** GET of an answer that is not DMAP (artwork): the body as it came. */
  async getRaw(command: string, opts: DaapRequestOptions = {}): Promise<Uint8Array> {
    await this.#assureLoggedIn(opts);
    return this.#send("GET", command, opts, true);
  }

  /** POST with an optional DMAP body; the answer decoded (often empty). */
  async post(command: string, opts: DaapPostOptions = {}): Promise<DmapNode[]> {
    await this.#assureLoggedIn(opts);
    return this.#decode(command, await this.#send("POST", command, opts, true));
  }

  /** The answer's tree, printed tag by tag to the debug log. */
  #decode(command: string, body: Uint8Array): DmapNode[] {
    const nodes = decodeDmap(body);
    if (nodes.length > 0) {
      // Formatted only by a logger that prints it ("%s" calls toString).
      const tree = { toString: () => prettyDmap(nodes).trimEnd() };
      this.#logger.debug("dmap: %s answered:\n%s", command.split("?", 1)[0], tree);
    }
    return nodes;
  }

  async #login(opts: DaapRequestOptions): Promise<number> {
    const body = await this.#send("GET", `login?${this.#loginParameter}&hasFP=1`, opts, false);
    const sessionId = first(decodeDmap(body), "mlog", "mlid");
    if (typeof sessionId !== "number" && typeof sessionId !== "bigint") {
      throw new ProtocolError("the login answer has no session id (mlog.mlid)");
    }
    this.#sessionId = Number(sessionId);
    this.#logger.debug("dmap: logged in, session id %d", this.#sessionId);
    return this.#sessionId;
  }

  async #assureLoggedIn(opts: DaapRequestOptions): Promise<void> {
    if (this.#sessionId === 0) await this.login(opts);
  }

  /**
   * Sends a request and maps its status: 2xx is the answer; 500 is a command the device
   * does not take now (NotSupportedError, as pyatv); 401 or 403 mean the session ended, so
   * log in again and retry once (pyatv re-logs in on any error status), and a refused login
   * is AuthenticationError; any other status is HttpError.
   */
  async #send(
    method: "GET" | "POST",
    command: string,
    opts: DaapPostOptions,
    withSession: boolean,
  ): Promise<Uint8Array> {
    for (let attempt = 0; ; attempt++) {
      const path = withSession ? command.replace(AUTH, `session-id=${this.#sessionId}`) : command;
      const response: DmapHttpResponse = await this.#http.request({
        method,
        path,
        headers:
          method === "POST"
            ? { ...DMAP_HEADERS, "Content-Type": "application/x-www-form-urlencoded" }
            : DMAP_HEADERS,
        ...(opts.body ? { body: opts.body } : {}),
        timeout: opts.timeout ?? DEFAULT_REQUEST_TIMEOUT,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const { status } = response;
      this.#logger.debug("dmap: %s %s -> %d", method, path, status);
      if (status >= 200 && status < 300) return response.body;
      if (status === 500) {
        throw new NotSupportedError(`command not supported at this stage: ${path}`);
      }
      const endpoint = path.split("?", 1)[0];
      if (!withSession) {
        // A device refuses a login with 403, or 503 as Apple TVs do (pyatv PR #13).
        if (status === 401 || status === 403 || status === 503) {
          throw new AuthenticationError(`the device refused to log in (HTTP ${status})`);
        }
        throw new HttpError(`DMAP ${endpoint} failed with HTTP ${status}`, status);
      }
      if (status !== 401 && status !== 403) {
        throw new HttpError(`DMAP ${endpoint} failed with HTTP ${status}`, status);
      }
      if (attempt > 0) throw new AuthenticationError(`failed to login: ${status}`);
      this.#logger.debug("dmap: implicitly logged out (%d), logging in again", status);
      await this.login(opts);
    }
  }
}
