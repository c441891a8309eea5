// The quick-start demo: start a simulated Apple TV, find it with atvremote, stop it.
import { spawnSync } from "node:child_process";
import { bins, startFake } from "./fake-process.mjs";

const fake = await startFake();
const { ready } = fake;
console.log(`atvfake: "${ready.name}" serving on ${ready.address}, mDNS port ${ready.mdns_port}\n`);
const command = ["-s", ready.address, "--mdns-port", String(ready.mdns_port), "scan"];
console.log(`$ atvremote ${command.join(" ")}`);
const result = spawnSync(process.execPath, [bins.atvremote, ...command], { stdio: "inherit" });
await fake.stop();
console.log("atvfake stopped.");
process.exitCode = result.status ?? 1;
