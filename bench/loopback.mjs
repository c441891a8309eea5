// The loopback ceiling for the round-trip figures: plain TCP ping-pong of 60-byte
// messages in this process, no framing, crypto or protobuf. No MRP client can beat it
// one at a time, so it says how much of a round trip is the machine and how much is ours.
import { once } from "node:events";
import { connect, createServer } from "node:net";
import { timeMs } from "./stats.mjs";

const ROUND_TRIPS = 20_000;
const MESSAGE = Buffer.alloc(60, 1);

async function pingPong(inFlight) {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    // Echo each message back as it is complete (messages are of one fixed size).
    let held = 0;
    socket.on("data", (chunk) => {
      held += chunk.length;
      const whole = Math.floor(held / MESSAGE.length);
      held -= whole * MESSAGE.length;
      if (whole > 0) socket.write(Buffer.alloc(whole * MESSAGE.length, 1));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const socket = connect(server.address().port, "127.0.0.1");
  socket.setNoDelay(true);
  await once(socket, "connect");
  try {
    let received = 0;
    let sent = 0;
    const done = new Promise((resolve) => {
      socket.on("data", (chunk) => {
        const before = Math.floor(received / MESSAGE.length);
        received += chunk.length;
        const answered = Math.floor(received / MESSAGE.length) - before;
        if (received >= ROUND_TRIPS * MESSAGE.length) resolve();
        // A new message for each one answered, as a client with `inFlight` callers does.
        for (let i = 0; i < answered && sent < ROUND_TRIPS; i++, sent++) socket.write(MESSAGE);
      });
    });
    const ms = await timeMs(async () => {
      for (; sent < inFlight; sent++) socket.write(MESSAGE);
      await done;
    });
    return ROUND_TRIPS / (ms / 1000);
  } finally {
    socket.destroy();
    server.close();
  }
}

export async function benchLoopback() {
  return [
    {
      name: "plain TCP ping-pong of 60 bytes, one at a time, in process (this machine's loopback ceiling)",
      value: await pingPong(1),
      unit: "/s",
      target: "reference",
    },
    {
      name: "same, 32 in flight",
      value: await pingPong(32),
      unit: "/s",
      target: "reference",
    },
  ];
}
