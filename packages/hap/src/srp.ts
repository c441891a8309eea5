import { randomBytes } from "node:crypto";
import { ProtocolError } from "@atv/interface";
import { SRP, SrpClient, type SrpParams, SrpServer } from "fast-srp-hap";

/** The SRP user name of HAP pair-setup. */
export const SRP_USERNAME = "Pair-Setup";

/** SRP group and hash; HAP uses the 3072-bit group of RFC 5054 with SHA-512. */
export type SrpGroup = SrpParams;
/**
 * fast-srp-hap's `SRP.params.hap`. A function, not a constant: the group is read when a
 * pairing starts, so a program that loads this module lazily (the CLIs do) never loads
 * fast-srp-hap, which computes all its groups as it loads, unless it pairs.
 */
export function hapSrpGroup(): SrpGroup {
  return SRP.params.hap;
}

export interface SrpOptions {
  /** Private ephemeral value (a or b); random 32 bytes by default. */
  readonly secret?: Uint8Array;
  readonly group?: SrpGroup;
  readonly username?: string;
}

function buffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function randomSecret(): Buffer {
  // fast-srp-hap warns on the console about a secret with a leading zero byte.
  let secret = randomBytes(32);
  while (secret[0] === 0) secret = randomBytes(32);
  return secret;
}

/** The client side of SRP-6a as HAP uses it (M1 over I, s, A, B and K). */
export class SrpClientSession {
  /** The client's public value A. */
  readonly publicKey: Uint8Array;
  /** The client's proof M1. */
  readonly proof: Uint8Array;
  /** The shared session key K. */
  readonly sessionKey: Uint8Array;
  readonly #client: SrpClient;

  /** Throws ProtocolError if the server's public value is unusable. */
  constructor(
    salt: Uint8Array,
    serverPublicKey: Uint8Array,
    password: string,
    options: SrpOptions = {},
  ) {
    const group = options.group ?? hapSrpGroup();
    try {
      this.#client = new SrpClient(
        group,
        buffer(salt),
        Buffer.from(options.username ?? SRP_USERNAME),
        Buffer.from(password),
        options.secret === undefined ? randomSecret() : buffer(options.secret),
      );
      this.#client.setB(buffer(serverPublicKey));
    } catch (error) {
      throw new ProtocolError("device sent an invalid SRP public key", { cause: error });
    }
    this.publicKey = new Uint8Array(this.#client.computeA());
    this.proof = new Uint8Array(this.#client.computeM1());
    this.sessionKey = new Uint8Array(this.#client.computeK());
  }

  /** Whether the server's proof M2 shows it knows the password too. */
  verifyServerProof(proof: Uint8Array): boolean {
    try {
      this.#client.checkM2(buffer(proof));
      return true;
    } catch {
      return false;
    }
  }
}

export interface SrpServerOptions extends SrpOptions {
  /** The user's salt; random 16 bytes by default (as pyatv's device side). */
  readonly salt?: Uint8Array;
}

/** The server (device) side of SRP-6a as HAP uses it. */
export class SrpServerSession {
  readonly salt: Uint8Array;
  /** The server's public value B. */
  readonly publicKey: Uint8Array;
  readonly #server: SrpServer;
  #sessionKey: Uint8Array | undefined;
  #proof: Uint8Array | undefined;

  constructor(password: string, options: SrpServerOptions = {}) {
    this.salt = options.salt?.slice() ?? new Uint8Array(randomBytes(16));
    this.#server = new SrpServer(
      options.group ?? hapSrpGroup(),
      {
        username: options.username ?? SRP_USERNAME,
        salt: buffer(this.salt),
        password: Buffer.from(password),
      },
      options.secret === undefined ? randomSecret() : buffer(options.secret),
    );
    this.publicKey = new Uint8Array(this.#server.computeB());
  }

  /**
   * Takes the client's public value A and proof M1; true if the client knows the password.
   * An unusable A counts as a wrong proof.
   */
  verifyClient(clientPublicKey: Uint8Array, proof: Uint8Array): boolean {
    try {
      this.#server.setA(buffer(clientPublicKey));
      this.#server.checkM1(buffer(proof));
    } catch {
      return false;
    }
    this.#sessionKey = new Uint8Array(this.#server.computeK());
    this.#proof = new Uint8Array(this.#server.computeM2());
    return true;
  }

  /** The server's proof M2, once the client is verified. */
  get proof(): Uint8Array | undefined {
    return this.#proof;
  }

  /** The shared session key K, once the client is verified. */
  get sessionKey(): Uint8Array | undefined {
    return this.#sessionKey;
  }
}
