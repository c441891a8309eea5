import type { AbortOptions, App, Apps, UserAccount, UserAccounts } from "@atv/interface";
import type { Relayer } from "./relayer.js";

/** Apps, from the highest-priority protocol that has them (Companion). */
export function facadeApps(relayer: Relayer): Apps {
  return {
    appList(opts?: AbortOptions): Promise<App[]> {
      const appList = relayer.relay("apps", "appList") as Apps["appList"];
      return appList(opts);
    },
    launchApp(bundleIdOrUrl: string, opts?: AbortOptions): Promise<void> {
      const launchApp = relayer.relay("apps", "launchApp") as Apps["launchApp"];
      return launchApp(bundleIdOrUrl, opts);
    },
  };
}

/** User accounts, from the highest-priority protocol that has them (Companion). */
export function facadeUserAccounts(relayer: Relayer): UserAccounts {
  return {
    accountList(opts?: AbortOptions): Promise<UserAccount[]> {
      const accountList = relayer.relay(
        "userAccounts",
        "accountList",
      ) as UserAccounts["accountList"];
      return accountList(opts);
    },
    switchAccount(accountId: string, opts?: AbortOptions): Promise<void> {
      const switchAccount = relayer.relay(
        "userAccounts",
        "switchAccount",
      ) as UserAccounts["switchAccount"];
      return switchAccount(accountId, opts);
    },
  };
}
