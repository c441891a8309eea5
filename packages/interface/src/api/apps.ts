import type { AbortOptions } from "./common.js";
import type { App } from "./metadata.js";

/** Installed apps (pyatv's Apps). */
export interface Apps {
  /** The apps that can be launched. */
  appList(opts?: AbortOptions): Promise<App[]>;
  /** Launches an app by bundle id, or opens a URL (which picks the app). */
  launchApp(bundleIdOrUrl: string, opts?: AbortOptions): Promise<void>;
}

export interface UserAccount {
  readonly name: string;
  readonly identifier: string;
}

/** The device's user accounts (pyatv's UserAccounts). */
export interface UserAccounts {
  accountList(opts?: AbortOptions): Promise<UserAccount[]>;
  switchAccount(accountId: string, opts?: AbortOptions): Promise<void>;
}
