// Known answers recorded from pyatv 0.18.0 (see shared/vectors/README.md): channel
// encryption, key derivation, and complete pair-setup / pair-verify exchanges, checked on
// both the controller and the accessory side.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCredentials } from "./credentials.js";
import { HapFrameCipher } from "./frame-cipher.js";
import { hkdfSha512 } from "./hkdf.js";
import { PairSetupClient } from "./pair-setup-client.js";
import { PairVerifyClient } from "./pair-verify-client.js";
import { PairSetupServer } from "./server/pair-setup-server.js";
import { PairVerifyServer } from "./server/pair-verify-server.js";
import { SharedSecret } from "./shared-secret.js";
import { decodeTlv, encodeTlv, type TlvEntry } from "./tlv8.js";

function load<T>(name: string): T {
  return JSON.parse(
    readFileSync(new URL(`../../../../shared/vectors/${name}`, import.meta.url), "utf8"),
  ) as T;
}
const hex = (value: string): Uint8Array => new Uint8Array(Buffer.from(value, "hex"));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
/** Decoded TLV8 items as [type, hex] pairs, the form the vector files use. */
const items = (bytes: Uint8Array): [number, string][] =>
  decodeTlv(bytes).entries.map(([type, value]) => [type, toHex(value)]);
const sorted = (entries: [number, string][]): [number, string][] =>
  [...entries].sort(([a], [b]) => a - b);

interface ChannelVectors {
  output_key_hex: string;
  input_key_hex: string;
  vectors: {
    plaintext_hex: string;
    encrypted_hex: string;
    sequence_index: number;
    frames?: {
      aad_length_le_hex: string;
      plaintext_length: number;
      ciphertext_and_tag_hex: string;
    }[];
    decrypt_chunk_sizes?: number[];
  }[];
}

interface KeyVectors {
  secrets: Record<string, string>;
  datastream_seed: number;
  vectors: { secret: string; salt: string; info: string; role: string; key_hex: string }[];
}

interface Message {
  note: string;
  tlv8_hex: string;
  tlv8_entries: [number, string][];
}
interface PairingVectors {
  pair_setup: {
    pin: number;
    client: { pairing_id: string; ed25519_seed_hex: string; srp_private_a_hex: string };
    accessory: {
      identifier: string;
      ed25519_seed_hex: string;
      srp_private_b_hex: string;
      srp_salt_hex: string;
    };
    m5_plaintext_tlv8_entries: [number, string][];
    messages: Message[];
    resulting_credentials: string;
  };
  pair_verify: {
    credentials: string;
    client: { pairing_id: string; x25519_private_hex: string };
    accessory: { identifier: string; ltsk_ed25519_seed_hex: string; x25519_private_hex: string };
    shared_secret_hex: string;
    messages: Message[];
    session_keys: {
      salt: string;
      client_output_info: string;
      client_input_info: string;
      client_output_key_hex: string;
      client_input_key_hex: string;
      accessory_output_key_hex: string;
      accessory_input_key_hex: string;
    };
    other_session_keys_from_this_shared_secret: Record<string, [string, string]>;
  };
  tlv8_vectors: { note: string; entries: [number, string][]; tlv8_hex: string }[];
}

const channel = load<ChannelVectors>("hap-channel.json");
const keys = load<KeyVectors>("hap-keys.json");
const pairing = load<PairingVectors>("pair-verify.json");

describe("hap-channel.json: HapFrameCipher", () => {
  const output = hex(channel.output_key_hex);
  const input = hex(channel.input_key_hex);
  const session = channel.vectors.filter((v) => v.decrypt_chunk_sizes === undefined);
  const fresh = channel.vectors.filter((v) => v.decrypt_chunk_sizes !== undefined);

  it("encrypts pyatv's session in sequence byte for byte", () => {
    const sender = new HapFrameCipher(output, input);
    for (const vector of session) {
      const encrypted = toHex(sender.encrypt(hex(vector.plaintext_hex)));
      expect(encrypted).toBe(vector.encrypted_hex);
      const frames = vector.frames ?? [];
      expect(encrypted).toBe(
        frames.map((f) => f.aad_length_le_hex + f.ciphertext_and_tag_hex).join(""),
      );
    }
  });

  it("decrypts it on the peer side (keys swapped), message by message", () => {
    const receiver = new HapFrameCipher(input, output);
    for (const vector of session) {
      expect(toHex(receiver.decrypt(hex(vector.encrypted_hex)))).toBe(vector.plaintext_hex);
    }
    expect(receiver.bufferedBytes).toBe(0);
  });

  it("decrypts a fresh session fed in pyatv's chunk sizes", () => {
    for (const vector of fresh) {
      expect(toHex(new HapFrameCipher(output, input).encrypt(hex(vector.plaintext_hex)))).toBe(
        vector.encrypted_hex,
      );
      const receiver = new HapFrameCipher(input, output);
      const encrypted = hex(vector.encrypted_hex);
      const sizes = vector.decrypt_chunk_sizes ?? [];
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(encrypted.length);
      const parts: Uint8Array[] = [];
      let offset = 0;
      for (const size of sizes) {
        parts.push(receiver.decrypt(encrypted.subarray(offset, offset + size)));
        offset += size;
      }
      expect(toHex(Buffer.concat(parts))).toBe(vector.plaintext_hex);
      // The first chunks hold no whole frame yet.
      expect(parts[0]).toHaveLength(0);
    }
  });
});

describe("hap-keys.json: HKDF-SHA512", () => {
  it("derives every key as pyatv's hkdf_expand", () => {
    expect(keys.vectors).toHaveLength(29);
    for (const vector of keys.vectors) {
      const secret = hex(keys.secrets[vector.secret] as string);
      expect(toHex(hkdfSha512(secret, vector.salt, vector.info)), vector.salt + vector.info).toBe(
        vector.key_hex,
      );
      expect(toHex(new SharedSecret(secret).deriveKey(vector.salt, vector.info))).toBe(
        vector.key_hex,
      );
    }
  });

  it("builds the data-stream salt from the decimal seed", () => {
    // The seed is above 2^53: JSON.parse rounds it (to …900), so read its digits as text.
    const raw = readFileSync(
      new URL("../../../../shared/vectors/hap-keys.json", import.meta.url),
      "utf8",
    );
    const seed = BigInt(/"datastream_seed":\s*(\d+)/.exec(raw)?.[1] ?? "0");
    expect(seed).toBe(0x0123_4567_89ab_cdefn);
    expect(Number.isSafeInteger(keys.datastream_seed)).toBe(false);
    const salts = keys.vectors.filter((v) => v.info.startsWith("DataStream-")).map((v) => v.salt);
    expect(new Set(salts)).toEqual(new Set([`DataStream-Salt${seed}`]));
  });

  it("gives both session keys of a protocol from one call", () => {
    for (const secretName of Object.keys(keys.secrets)) {
      const shared = new SharedSecret(hex(keys.secrets[secretName] as string));
      const key = (salt: string, info: string): string | undefined =>
        keys.vectors.find((v) => v.secret === secretName && v.salt === salt && v.info === info)
          ?.key_hex;
      const mrp = shared.sessionKeys(
        "MediaRemote-Salt",
        "MediaRemote-Write-Encryption-Key",
        "MediaRemote-Read-Encryption-Key",
      );
      expect(toHex(mrp.outputKey)).toBe(
        key("MediaRemote-Salt", "MediaRemote-Write-Encryption-Key"),
      );
      expect(toHex(mrp.inputKey)).toBe(key("MediaRemote-Salt", "MediaRemote-Read-Encryption-Key"));
    }
  });
});

describe("pair-verify.json: pair-setup", () => {
  const setup = pairing.pair_setup;
  const [m1, m2, m3, m4, m5, m6] = setup.messages as [
    Message,
    Message,
    Message,
    Message,
    Message,
    Message,
  ];

  it("decodes every recorded message to pyatv's items (fragments joined)", () => {
    for (const message of [...setup.messages, ...pairing.pair_verify.messages]) {
      expect(items(hex(message.tlv8_hex)), message.note).toEqual(message.tlv8_entries);
    }
  });

  it("the client sends pyatv's M1, M3 and M5 byte for byte and ends with its credentials", () => {
    const client = new PairSetupClient({
      clientId: setup.client.pairing_id,
      seed: hex(setup.client.ed25519_seed_hex),
      srpSecret: hex(setup.client.srp_private_a_hex),
    });
    expect(toHex(client.m1())).toBe(m1.tlv8_hex);
    client.receiveM2(hex(m2.tlv8_hex));
    expect(toHex(client.m3(setup.pin))).toBe(m3.tlv8_hex);
    expect(toHex(client.m5(hex(m4.tlv8_hex)))).toBe(m5.tlv8_hex);
    const credentials = client.finish(hex(m6.tlv8_hex));
    expect(credentials.toString()).toBe(setup.resulting_credentials);
    expect(parseCredentials(setup.resulting_credentials).equals(credentials)).toBe(true);
  });

  it("the accessory answers with pyatv's M2, M4 and M6 (M2 and M4 in another item order)", () => {
    const server = new PairSetupServer({
      identifier: setup.accessory.identifier,
      seed: hex(setup.accessory.ed25519_seed_hex),
      pin: setup.pin,
      salt: hex(setup.accessory.srp_salt_hex),
      srpSecret: hex(setup.accessory.srp_private_b_hex),
    });
    // pyatv writes (Salt, PublicKey, State) and (Proof, State); we write State first. The
    // items are the same, and order is free in TLV8.
    const ourM2 = server.m2(hex(m1.tlv8_hex));
    expect(toHex(ourM2)).not.toBe(m2.tlv8_hex);
    expect(sorted(items(ourM2))).toEqual(sorted(m2.tlv8_entries));
    expect(sorted(items(server.m4(hex(m3.tlv8_hex))))).toEqual(sorted(m4.tlv8_entries));
    expect(toHex(server.m6(hex(m5.tlv8_hex)))).toBe(m6.tlv8_hex);
    const [identifier, publicKey] = setup.m5_plaintext_tlv8_entries as [TlvEntryHex, TlvEntryHex];
    expect(toHex(server.pairedClient?.identifier ?? new Uint8Array())).toBe(identifier[1]);
    expect(toHex(server.pairedClient?.publicKey ?? new Uint8Array())).toBe(publicKey[1]);
  });
});

type TlvEntryHex = [number, string];

describe("pair-verify.json: pair-verify", () => {
  const verify = pairing.pair_verify;
  const [m1, m2, m3, m4] = verify.messages as [Message, Message, Message, Message];
  const credentials = parseCredentials(verify.credentials);
  const keysOf = verify.session_keys;

  it("the client sends pyatv's M1 and M3 and derives pyatv's session keys", () => {
    const client = new PairVerifyClient(credentials, {
      ephemeralKey: hex(verify.client.x25519_private_hex),
    });
    expect(toHex(client.m1())).toBe(m1.tlv8_hex);
    expect(toHex(client.m3(hex(m2.tlv8_hex)))).toBe(m3.tlv8_hex);
    const secret = client.finish(hex(m4.tlv8_hex));
    expect(toHex(secret.secret)).toBe(verify.shared_secret_hex);

    const mrp = secret.sessionKeys(
      keysOf.salt,
      keysOf.client_output_info,
      keysOf.client_input_info,
    );
    expect(toHex(mrp.outputKey)).toBe(keysOf.client_output_key_hex);
    expect(toHex(mrp.inputKey)).toBe(keysOf.client_input_key_hex);

    const other = verify.other_session_keys_from_this_shared_secret;
    const control = secret.sessionKeys(
      "Control-Salt",
      "Control-Write-Encryption-Key",
      "Control-Read-Encryption-Key",
    );
    expect([toHex(control.outputKey), toHex(control.inputKey)]).toEqual(
      other["airplay_control [output, input]"],
    );
    const companion = secret.sessionKeys("", "ClientEncrypt-main", "ServerEncrypt-main");
    expect([toHex(companion.outputKey), toHex(companion.inputKey)]).toEqual(
      other["companion [output, input]"],
    );
  });

  it("the accessory answers with pyatv's M2 and M4 byte for byte", () => {
    const clientId = new TextEncoder().encode(verify.client.pairing_id);
    const server = new PairVerifyServer({
      identifier: verify.accessory.identifier,
      seed: hex(verify.accessory.ltsk_ed25519_seed_hex),
      // pyatv's fake uses one seed as its Ed25519 key and as its X25519 key.
      ephemeralKey: hex(verify.accessory.x25519_private_hex),
      clientPublicKey: (id) => (toHex(id) === toHex(clientId) ? hex(clientLtpk()) : undefined),
    });
    expect(toHex(server.m2(hex(m1.tlv8_hex)))).toBe(m2.tlv8_hex);
    expect(toHex(server.m4(hex(m3.tlv8_hex)))).toBe(m4.tlv8_hex);
    const accessory = server.sharedSecret?.sessionKeys(
      keysOf.salt,
      keysOf.client_input_info,
      keysOf.client_output_info,
    );
    expect(toHex(accessory?.outputKey ?? new Uint8Array())).toBe(keysOf.accessory_output_key_hex);
    expect(toHex(accessory?.inputKey ?? new Uint8Array())).toBe(keysOf.accessory_input_key_hex);
  });
});

/** The client's long-term public key, as its M5 of pair-setup carried it. */
function clientLtpk(): string {
  const entry = pairing.pair_setup.m5_plaintext_tlv8_entries.find(([type]) => type === 3);
  return entry?.[1] ?? "";
}

describe("pair-verify.json: tlv8_vectors", () => {
  const [fragmented, empty, exact] = pairing.tlv8_vectors as [
    PairingVectors["tlv8_vectors"][number],
    PairingVectors["tlv8_vectors"][number],
    PairingVectors["tlv8_vectors"][number],
  ];
  const entries = (vector: { entries: [number, string][] }): TlvEntry[] =>
    vector.entries.map(([type, value]) => [type, hex(value)]);

  it("fragments and joins values as pyatv", () => {
    for (const vector of [fragmented, exact]) {
      expect(toHex(encodeTlv(entries(vector)))).toBe(vector.tlv8_hex);
      expect(items(hex(vector.tlv8_hex))).toEqual(vector.entries);
    }
  });

  it("writes a zero-length item where pyatv writes nothing, and reads pyatv's bytes", () => {
    // pyatv's write_tlv drops the empty Error item; we keep it as type, length 0.
    expect(empty.tlv8_hex).toBe("060101");
    expect(toHex(encodeTlv(entries(empty)))).toBe("0601010700");
    expect(items(hex(empty.tlv8_hex))).toEqual([[6, "01"]]);
    expect(items(hex("0601010700"))).toEqual([
      [6, "01"],
      [7, ""],
    ]);
  });
});
