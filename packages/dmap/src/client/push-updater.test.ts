import {
  ConnectionLostError,
  NoAsyncListenerError,
  NotSupportedError,
  type Playing,
  type PushListener,
} from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { dmapTag } from "../tags/index.js";
import { DmapCommands } from "./commands.js";
import { DaapRequester } from "./daap-requester.js";
import { DmapHttpClient } from "./http-client.js";
import { DmapPushUpdater } from "./push-updater.js";
import { playstatusAnswer, type ScriptedAnswer, TestServer, withLogin } from "./test-server.js";

/** A device whose playstatusupdate long polls the way an Apple TV's do. */
class LongPollDevice {
  revision = 1;
  title = "one";
  /** Answers to give before the real ones. */
  readonly failures: ScriptedAnswer[] = [];
  #waiting: (() => void)[] = [];

  change(title: string): void {
    this.title = title;
    this.bump();
  }

  /** A new revision with the same content. */
  bump(): void {
    this.revision++;
    for (const wake of this.#waiting.splice(0)) wake();
  }

  async answer(asked: number): Promise<ScriptedAnswer> {
    const failure = this.failures.shift();
    if (failure) return failure;
    if (asked === this.revision) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    return {
      body: playstatusAnswer(
        dmapTag.uint32("caps", 4),
        dmapTag.string("cann", this.title),
        dmapTag.uint32("cmsr", this.revision),
      ),
    };
  }
}

class Recorder implements PushListener {
  readonly updates: Playing[] = [];
  readonly errors: Error[] = [];
  playstatusUpdate(_updater: unknown, playing: Playing): void {
    this.updates.push(playing);
  }
  playstatusError(_updater: unknown, error: Error): void {
    this.errors.push(error);
  }
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe("DmapPushUpdater", () => {
  let server: TestServer | undefined;
  let http: DmapHttpClient | undefined;
  let updater: DmapPushUpdater | undefined;

  afterEach(async () => {
    updater?.stop();
    http?.close();
    await server?.close();
  });

  async function setUp(device: LongPollDevice, lost?: (error: Error) => void) {
    server = await TestServer.start(
      withLogin((request) =>
        request.path === "/ctrl-int/1/playstatusupdate"
          ? device.answer(Number(request.query.get("revision-number")))
          : {},
      ),
    );
    http = new DmapHttpClient({ host: "127.0.0.1", port: server.port });
    const commands = new DmapCommands(new DaapRequester(http, "0x0000000000000001"));
    updater = new DmapPushUpdater(commands, {
      retryDelay: 1,
      ...(lost ? { onConnectionLost: lost } : {}),
    });
    const polls = () =>
      server?.to("/ctrl-int/1/playstatusupdate").map((r) => r.query.get("revision-number")) ?? [];
    return { server, updater, polls };
  }

  it("refuses to start without a listener", async () => {
    const { updater } = await setUp(new LongPollDevice());
    expect(() => updater.start()).toThrow(NoAsyncListenerError);
  });

  it("polls from revision 0 with the revision the device gives, telling only changes", async () => {
    const device = new LongPollDevice();
    const { updater, polls } = await setUp(device);
    const recorder = new Recorder();
    updater.listener = recorder;
    updater.start();
    expect(updater.active).toBe(true);
    await waitFor(() => recorder.updates.length === 1 && polls().length === 2);
    expect(recorder.updates[0]?.title).toBe("one");

    device.bump();
    await waitFor(() => polls().length === 3);
    device.change("two");
    await waitFor(() => recorder.updates.length === 2 && polls().length === 4);
    expect(recorder.updates.map((p) => p.title)).toEqual(["one", "two"]);
    expect(polls().slice(0, 4)).toEqual(["0", "1", "2", "3"]);
  });

  it("abandons the pending long poll on stop", async () => {
    const device = new LongPollDevice();
    const { server, updater, polls } = await setUp(device);
    updater.listener = new Recorder();
    updater.start();
    await waitFor(() => polls().length === 2);
    updater.stop();
    expect(updater.active).toBe(false);
    await waitFor(() => server.abandoned.length === 1);
    device.change("later");
    expect(polls()).toHaveLength(2);
  });

  it("reports a failed poll and goes on from revision 0", async () => {
    const device = new LongPollDevice();
    device.failures.push({ status: 500 });
    const { updater, polls } = await setUp(device);
    const recorder = new Recorder();
    updater.listener = recorder;
    updater.start();
    await waitFor(() => recorder.updates.length === 1);
    expect(recorder.errors).toHaveLength(1);
    expect(recorder.errors[0]).toBeInstanceOf(NotSupportedError);
    expect(updater.active).toBe(true);
    expect(polls().slice(0, 2)).toEqual(["0", "0"]);
  });

  it("ends updates when the connection is lost", async () => {
    const device = new LongPollDevice();
    const lost: Error[] = [];
    const { updater } = await setUp(device, (error) => lost.push(error));
    const recorder = new Recorder();
    updater.listener = recorder;
    // Twice: a GET that met a dropped kept-alive socket is sent once more.
    device.failures.push({ destroy: true }, { destroy: true });
    updater.start();
    await waitFor(() => lost.length === 1);
    expect(lost[0]).toBeInstanceOf(ConnectionLostError);
    expect(recorder.errors[0]).toBeInstanceOf(ConnectionLostError);
    expect(updater.active).toBe(false);
    await expect(updater.updates()[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(
      ConnectionLostError,
    );
  });

  it("iterates over the current state and then changes, until the signal aborts", async () => {
    const device = new LongPollDevice();
    const { server, updater, polls } = await setUp(device);
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const playing of updater.updates({ signal: controller.signal })) {
      seen.push(playing.title ?? "");
      if (seen.length === 1) device.change("two");
      else {
        await waitFor(() => polls().length === 3);
        controller.abort();
      }
    }
    expect(seen).toEqual(["one", "two"]);
    // Nobody wants updates any more: the long poll is abandoned.
    await waitFor(() => server.abandoned.length === 1);
  });

  it("ends iterators when finished without an error", async () => {
    const { updater } = await setUp(new LongPollDevice());
    const iterator = updater.updates()[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.title).toBe("one");
    updater.finish();
    expect((await iterator.next()).done).toBe(true);
  });
});
