import { ConnectionLostError, OperationTimeoutError } from "@atv/interface";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { MrpClient } from "./client.js";
import { encodeFrame } from "./framing.js";
import { Command, MessageType } from "./protobuf/generated/enums.js";
import {
  createMessage,
  encodeProtocolMessage,
  sendCommandMessage,
  setVolumeMessage,
} from "./protobuf/messages.js";
import type { ProtocolMessage } from "./protobuf/types.js";
import { useFakeMrpDevice } from "./testing/fake-device.js";

const fake = useFakeMrpDevice({ name: "TV", uniqueIdentifier: "PROTOCOL-TEST" });
let client: MrpClient;

beforeEach(async () => {
  client = await fake.connect();
});

function fromDevice(message: ProtocolMessage): void {
  fake.device.useCases.sendRawBytes(encodeFrame(encodeProtocolMessage(message)));
}

describe("MrpProtocol", () => {
  it("matches concurrent requests to their responses by identifier", async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        client.protocol.sendAndReceive(sendCommandMessage(Command.Play)),
      ),
    );
    expect(new Set(responses.map((r) => r.identifier)).size).toBe(20);
    for (const response of responses) {
      expect(response.type).toBe(MessageType.SEND_COMMAND_RESULT_MESSAGE);
    }
    expect(fake.device.state.commands).toHaveLength(20);
  });

  it("times a request out with OperationTimeoutError", async () => {
    // The fake does not answer SET_VOLUME (it has no volume yet).
    await expect(
      client.protocol.sendAndReceive(setVolumeMessage("speaker", 0.5), { timeout: 30 }),
    ).rejects.toBeInstanceOf(OperationTimeoutError);
    // The session is still usable.
    await client.remoteControl.play();
  });

  it("rejects with the signal's reason on abort, before or during the wait", async () => {
    const reason = new Error("stop");
    await expect(
      client.protocol.sendAndReceive(setVolumeMessage("x", 1), {
        signal: AbortSignal.abort(reason),
      }),
    ).rejects.toBe(reason);
    const controller = new AbortController();
    const pending = client.protocol.sendAndReceive(setVolumeMessage("x", 1), {
      signal: controller.signal,
    });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it("hands unsolicited messages to listeners, and ignores types nobody listens to", async () => {
    const heard = vi.fn();
    const stop = client.protocol.listen(MessageType.SET_STATE_MESSAGE, heard);
    fromDevice(createMessage(MessageType.SET_STATE_MESSAGE));
    fromDevice(createMessage(MessageType.UPDATE_CLIENT_MESSAGE));
    fromDevice(createMessage(MessageType.UNKNOWN_MESSAGE));
    await vi.waitFor(() => expect(heard).toHaveBeenCalledTimes(1));
    stop();
    fromDevice(createMessage(MessageType.SET_STATE_MESSAGE));
    await client.remoteControl.play();
    expect(heard).toHaveBeenCalledTimes(1);
    expect(client.protocol.closed).toBe(false);
  });

  it("fails every waiting request with ConnectionLostError when the connection drops", async () => {
    const pending = [
      client.protocol.sendAndReceive(setVolumeMessage("x", 1)),
      client.protocol.sendAndReceive(setVolumeMessage("y", 1)),
    ];
    fake.device.state.dropConnections();
    for (const request of pending) {
      await expect(request).rejects.toBeInstanceOf(ConnectionLostError);
    }
  });
});
