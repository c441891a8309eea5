import type { LineReader, OpenedStorage } from "@atv/cli";
import {
  type AppleTV,
  connect,
  enumName,
  NotSupportedError,
  type PairingHandler,
  PairingRequirement,
  Protocol,
  pair,
  playingStr,
  type Service,
  type Storage,
  scan,
} from "@atv/core";
import { formatDeviceTable } from "./device-table.js";
import type { RemoteOptions } from "./options.js";
import { pairOptions, savedTo } from "./pair-command.js";
import { scanOptions } from "./scan-command.js";

const write = (text: string) => void process.stdout.write(text);
const DISABLED_HELP = "https://pyatv.dev/support/troubleshooting/#pairing-disabled";

/**
 * pyatv's `atvremote wizard`: scan, let the user pick a device, ask for passwords and
 * pair every protocol that wants it, save the credentials, then connect and show what is
 * playing. Exit 0 when set up (or quit), 1 otherwise.
 */
export async function wizardCommand(
  options: RemoteOptions,
  { storage, file }: OpenedStorage,
  lines: LineReader,
): Promise<number> {
  write("Looking for devices...\n");
  // As pyatv: every device the scan finds, whatever --id or --scan-protocols say.
  const devices = await scan({ ...scanOptions(options), protocol: undefined, storage });
  if (devices.length === 0) {
    write("No devices found!\n");
    return 1;
  }
  write(`Found the following devices:\n${formatDeviceTable(devices)}\n`);
  const device = await pickDevice(devices, lines);
  if (device === undefined) return 0;
  if (device === "ended") return 1;

  write(`Starting to set up ${device.name}\n`);
  for (const service of device.services) {
    if (service.requiresPassword) {
      service.password = await lines.question(
        `Please enter password for ${pythonProtocol(service)}: `,
      );
    } else {
      service.password = undefined;
    }
    await pairService(device, service, options, storage, lines);
  }
  await storage.updateSettings(device);
  await storage.save();
  if (file !== undefined) write(savedTo(file));

  write("Pairing finished, trying to connect and get some metadata...\n");
  let atv: Awaited<ReturnType<typeof connect>>;
  try {
    atv = await connect(device, { storage });
  } catch (error) {
    process.stderr.write(
      `Connect failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    write("Something failed when connecting, error is printed above.\n");
    return 1;
  }
  try {
    write(`Currently playing:\n${playingStr(await atv.metadata.playing())}\n`);
  } finally {
    await atv.close();
  }
  write("Device is now set up!\n");
  return 0;
}

/** The device whose index the user enters; undefined on "q", "ended" at end of input. */
async function pickDevice(
  devices: readonly AppleTV[],
  lines: LineReader,
): Promise<AppleTV | "ended" | undefined> {
  for (;;) {
    const answer = await lines.question("Enter index of device to set up (q to quit): ");
    if (answer === undefined) return "ended";
    if (answer === "q") return undefined;
    const device = /^\d+$/.test(answer) ? devices[Number(answer) - 1] : undefined;
    if (device !== undefined) return device;
    process.stderr.write(`Not a valid device: ${answer}\n`);
  }
}

async function pairService(
  device: AppleTV,
  service: Service,
  options: RemoteOptions,
  storage: Storage,
  lines: LineReader,
): Promise<void> {
  const name = protocolName(service.protocol);
  switch (service.pairing) {
    case PairingRequirement.Unsupported:
      write(`Ignoring ${name} as it is not supported\n`);
      return;
    case PairingRequirement.Disabled:
      write(
        `\n"Protocol ${name} is disabled, please see this page for help:\n\n${DISABLED_HELP}\n\n` +
          "This protocol will be ignored for now, but you can just re-run the wizard again\n" +
          "later to pair it.\n\nPress ENTER to continue\n\n",
      );
      service.credentials = undefined;
      await lines.question("");
      return;
    case PairingRequirement.NotNeeded:
      write(`Ignoring ${name} since pairing is not needed\n`);
      service.credentials = undefined;
      return;
  }
  if (service.credentials) {
    write(`Credentials already exists for ${name} => pairing not needed\n`);
    return;
  }

  let pairing: PairingHandler;
  try {
    pairing = pair(device, service.protocol, pairOptions(options, device, storage));
  } catch (error) {
    if (!(error instanceof NotSupportedError)) throw error;
    // The device wants pairing, but atv cannot pair this protocol (yet).
    write(`Ignoring ${name} as it is not supported\n`);
    return;
  }
  write(`Starting to pair ${pythonProtocol(service)}\n`);
  try {
    await pairing.begin();
    if (pairing.deviceProvidesPin) {
      pairing.pin((await lines.question("Enter PIN on screen: ")) ?? "");
    } else {
      const pin = options.pin ?? "1234";
      pairing.pin(pin);
      write(
        `Use pin ${pin} to pair with "${options.remoteName}" (press ENTER when you are done)\n`,
      );
      await lines.question("");
    }
    await pairing.finish();
  } catch (error) {
    // pyatv stops the wizard with a stack trace; here the next protocol gets its turn.
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Pairing ${name} failed: ${reason}\n`);
  } finally {
    await pairing.close();
  }
  if (pairing.hasPaired) {
    write(`Successfully paired ${pythonProtocol(service)}, moving on...\n`);
  } else {
    write("Pairing did not succeed. Press ENTER to continue.\n");
    await lines.question("");
  }
}

/** The protocol's enum name ("MRP"), as pyatv's `protocol.name`. */
function protocolName(protocol: Protocol): string {
  return enumName(Protocol, protocol) ?? String(protocol);
}

/** The protocol as pyatv prints the enum itself ("Protocol.MRP"). */
function pythonProtocol(service: Service): string {
  return `Protocol.${protocolName(service.protocol)}`;
}
