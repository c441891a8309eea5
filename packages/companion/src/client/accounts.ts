// User accounts over Companion (after pyatv's CompanionUserAccounts and CompanionAPI's
// account_list / switch_account, MIT).

import { ProtocolError, type UserAccount, type UserAccounts } from "@atv/interface";
import type { CompanionProtocol, RequestOptions } from "./protocol.js";

/** What CompanionUserAccounts needs of CompanionProtocol. */
export type AccountsProtocol = Pick<CompanionProtocol, "request">;

export class CompanionUserAccounts implements UserAccounts {
  readonly #protocol: AccountsProtocol;

  constructor(protocol: AccountsProtocol) {
    this.#protocol = protocol;
  }

  /** The accounts the device can switch to (FetchUserAccountsEvent: identifier → name). */
  async accountList(options: RequestOptions = {}): Promise<UserAccount[]> {
    const content = await this.#protocol.request("FetchUserAccountsEvent", {}, options);
    if (!(content instanceof Map)) {
      throw new ProtocolError("account list answered without content");
    }
    const accounts: UserAccount[] = [];
    for (const [identifier, name] of content) {
      if (typeof identifier !== "string" || typeof name !== "string") {
        throw new ProtocolError("account list entry is not an identifier and a name");
      }
      accounts.push({ name, identifier });
    }
    return accounts;
  }

  /** Switches to the account; one the device does not know is a CommandError. */
  async switchAccount(accountId: string, options: RequestOptions = {}): Promise<void> {
    await this.#protocol.request("SwitchUserAccountEvent", { SwitchAccountID: accountId }, options);
  }
}
