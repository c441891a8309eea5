// Runs a real AirPlay receiver, shairport-sync, for end-to-end tests, inside a private
// network namespace that nothing outside can reach (and whose multicast never leaves it).
//
// Debian 12's shairport-sync (3.3.8) knows only Avahi for mDNS and exits without an Avahi
// daemon, and Avahi needs a D-Bus system bus; so each run brings up, under
// `unshare -rnmp` (user, network, mount and PID namespaces):
//   - a veth pair, both ends kept inside (the kernel offers no dummy links), at
//     SHAIRPORT_ADDRESS and CLIENT_ADDRESS;
//   - a private dbus-daemon on a socket in a temporary folder;
//   - avahi-daemon on one end of the veth pair only, not dropping root nor chrooting: a tmpfs
//     over /run holds its pid file, and /etc/passwd and /etc/group are bind-mounted with an
//     "avahi" user of uid 0, because Avahi insists that its runtime folder belongs to that
//     user and uid 0 is the only one the namespace maps;
//   - shairport-sync, its audio written raw (S16LE, 44.1 kHz, stereo) to a capture file.
// Clients run next to it through `nsenter` into the same user and network namespaces.
// The namespace's first process is the PID namespace's init: killing `unshare` kills it
// (--kill-child), and the kernel then kills every daemon; if the test process dies, the init
// sees its standard input close and exits, with the same effect.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { accessSync, constants as fsConstants } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** shairport-sync's end of the veth pair: where clients connect and Avahi answers. */
export const SHAIRPORT_ADDRESS = "10.96.0.1";
/** The other end, a second local address in the namespace. */
export const CLIENT_ADDRESS = "10.96.0.2";
const DEFAULT_PORT = 5000;
const DEFAULT_NAME = "atv-shairport";
const START_TIMEOUT = 20_000;
const RUN_TIMEOUT = 60_000;

const REQUIRED_COMMANDS = [
  "shairport-sync",
  "avahi-daemon",
  "dbus-daemon",
  "ip",
  "ss",
  "unshare",
  "nsenter",
] as const;

export type ShairportAvailability = { ok: true } | { ok: false; reason: string };

export interface RunResult {
  /** The exit code, or null when the process ended on a signal (a timeout kills it). */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Milliseconds before the process is killed (60 s). */
  timeout?: number;
}

export interface ShairportEnv {
  /** The address shairport-sync and its Avahi listen on, reachable only from `run`. */
  readonly address: string;
  /** shairport-sync's RTSP port. */
  readonly port: number;
  /** The name shairport-sync announces. */
  readonly name: string;
  /** A temporary folder that lives as long as the receiver (removed afterwards). */
  readonly dir: string;
  /** Runs a command to its end inside the receiver's network namespace. */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** The audio shairport-sync has played so far: raw S16LE, 44.1 kHz, stereo. */
  capture(): Promise<Buffer>;
  /** shairport-sync's log so far (it runs with -vv), for failure messages. */
  log(): Promise<string>;
}

export interface ShairportOptions {
  /** RTSP port (5000); the namespace is private, so any fixed port will do. */
  port?: number;
  name?: string;
  /** Milliseconds to wait for the daemons to come up (20 s). */
  startTimeout?: number;
}

function findCommand(name: string): string | undefined {
  // Unprivileged users often lack the sbin folders (avahi-daemon, ip) in their PATH.
  const folders = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/sbin"];
  for (const folder of folders) {
    if (folder === "") continue;
    const candidate = join(folder, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

const UNSHARE_ARGS = ["-rnmp", "--fork", "--kill-child", "--propagation", "private"];

/**
 * Whether withShairport can run here: the programs are installed, and user, network, mount
 * and PID namespaces are allowed, with a tmpfs mount and a veth pair inside.
 */
export function shairportAvailable(): ShairportAvailability {
  const missing = REQUIRED_COMMANDS.filter((name) => findCommand(name) === undefined);
  if (missing.length > 0) {
    return {
      ok: false,
      reason: `needs ${missing.join(", ")} (Debian: apt-get install shairport-sync avahi-daemon dbus iproute2 util-linux)`,
    };
  }
  const probe = spawnSync(
    findCommand("unshare")!,
    [
      ...UNSHARE_ARGS,
      "sh",
      "-c",
      `mount -t tmpfs tmpfs /run && "${findCommand("ip")}" link add probe0 type veth peer name probe1`,
    ],
    { encoding: "utf8", timeout: 10_000 },
  );
  if (probe.status !== 0) {
    const why = (probe.stderr || probe.error?.message || `exit ${probe.status}`).trim();
    return {
      ok: false,
      reason: `needs \`unshare ${UNSHARE_ARGS.join(" ")}\` with a tmpfs mount and a veth pair inside: ${why}`,
    };
  }
  return { ok: true };
}

const DBUS_CONFIG = (socket: string) => `<!DOCTYPE busconfig PUBLIC
 "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`;

const AVAHI_CONFIG = `[server]
host-name=atv-shairport-host
use-ipv4=yes
use-ipv6=no
allow-interfaces=atv0
enable-dbus=yes
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
`;

// ignore_volume_control: the volume a client sends is not applied, so what is played is
// the PCM received, bit for bit (attenuation would scale and dither it). A loaded machine
// makes shairport-sync see its output drift from the sender's clock: it would then add or
// drop frames ("stuffing") or resynchronise, so the tolerance is wide and resync is off.
const SHAIRPORT_CONFIG = (name: string, port: number) => `general = {
  name = "${name}";
  port = ${port};
  ignore_volume_control = "yes";
  drift_tolerance_in_seconds = 1.0;
  resync_threshold_in_seconds = 0.0;
  output_backend = "stdout";
};
`;

// Runs as the namespaces' first process, with the paths as arguments. Prints "ready" once
// shairport-sync listens and Avahi has published it, then waits for its standard input
// to close. Each wait gives up after its deadline, or as soon as the daemon it waits for
// has exited.
const NAMESPACE_SCRIPT = `set -eu
PATH="$PATH:/usr/sbin:/sbin"
dir=$1 port=$2 deadline=$3
wait_for() {
  what=$1 pid=$2; shift 2
  n=0
  until "$@" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "$what exited" >&2; exit 1; fi
    n=$((n + 1))
    if [ "$n" -gt "$deadline" ]; then echo "$what: timed out" >&2; exit 1; fi
    sleep 0.05
  done
}
mount -t tmpfs -o mode=0755 tmpfs /run
mount --bind "$dir/passwd" /etc/passwd
mount --bind "$dir/group" /etc/group
ip link set lo up
ip link add atv0 type veth peer name atv1
ip addr add ${SHAIRPORT_ADDRESS}/24 dev atv0
ip addr add ${CLIENT_ADDRESS}/24 dev atv1
ip link set atv0 up
ip link set atv1 up
dbus-daemon --config-file="$dir/dbus.conf" --nofork --nopidfile >"$dir/dbus.log" 2>&1 &
wait_for dbus-daemon $! test -S "$dir/bus"
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"
avahi-daemon --no-drop-root --no-chroot --no-rlimits -f "$dir/avahi.conf" >"$dir/avahi.log" 2>&1 &
wait_for avahi-daemon $! grep -q "Server startup complete" "$dir/avahi.log"
shairport-sync -c "$dir/shairport-sync.conf" -o stdout -vv >"$dir/capture.raw" 2>"$dir/shairport-sync.log" &
shairport=$!
wait_for shairport-sync $shairport sh -c 'ss -Hltn "sport = :$0" | grep -q .' "$port"
# Logged (at -vv) once Avahi has probed and published the service: scans find it from now.
wait_for "shairport-sync's announcement" $shairport grep -q "successfully added" "$dir/shairport-sync.log"
echo ready
read -r _ || true
# Standard input closed: the test process has gone without tearing down. Exiting ends the
# PID namespace, and with it every daemon.
rm -rf "$dir"
`;

async function readOr(path: string, fallback: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return fallback;
  }
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Brings up shairport-sync in a private namespace, calls `body` with it, and tears it all
 * down (processes and files) however `body` ends. Call shairportAvailable() first.
 */
export async function withShairport<T>(
  body: (env: ShairportEnv) => Promise<T>,
  options: ShairportOptions = {},
): Promise<T> {
  const port = options.port ?? DEFAULT_PORT;
  const name = options.name ?? DEFAULT_NAME;
  const startTimeout = options.startTimeout ?? START_TIMEOUT;
  const unshare = findCommand("unshare");
  const nsenter = findCommand("nsenter");
  if (!unshare || !nsenter) throw new Error("withShairport needs unshare and nsenter");

  const dir = await mkdtemp(join(tmpdir(), "atv-shairport-"));
  const clients = new Set<ChildProcess>();
  let holder: ChildProcess | undefined;
  try {
    await Promise.all([
      writeFile(join(dir, "dbus.conf"), DBUS_CONFIG(join(dir, "bus"))),
      writeFile(join(dir, "avahi.conf"), AVAHI_CONFIG),
      writeFile(join(dir, "shairport-sync.conf"), SHAIRPORT_CONFIG(name, port)),
      writeFile(
        join(dir, "passwd"),
        "root:x:0:0:root:/root:/bin/sh\navahi:x:0:0::/run:/bin/false\n",
      ),
      writeFile(join(dir, "group"), "root:x:0:\navahi:x:0:\n"),
      writeFile(join(dir, "namespace.sh"), NAMESPACE_SCRIPT),
    ]);
    const started = spawn(
      unshare,
      [
        ...UNSHARE_ARGS,
        "sh",
        join(dir, "namespace.sh"),
        dir,
        String(port),
        String(Math.ceil(startTimeout / 50)),
      ],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    holder = started;
    await new Promise<void>((resolve, reject) => {
      let stdout = "";
      let stderr = "";
      const fail = async (why: string) => {
        clearTimeout(timer);
        const logs = await Promise.all(
          ["dbus.log", "avahi.log", "shairport-sync.log"].map(
            async (file) =>
              `--- ${file}\n${(await readOr(join(dir, file), "(none)")).slice(-4000)}`,
          ),
        );
        reject(new Error(`shairport-sync did not come up: ${why}\n${stderr}\n${logs.join("\n")}`));
      };
      const timer = setTimeout(() => void fail("timed out"), startTimeout + 5_000);
      started.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        if (stdout.includes("ready\n")) {
          clearTimeout(timer);
          started.removeAllListeners("exit");
          resolve();
        }
      });
      started.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
      });
      started.once("error", (error) => void fail(error.message));
      started.once("exit", (code, signal) => void fail(`exited (${code ?? signal})`));
    });

    const env: ShairportEnv = {
      address: SHAIRPORT_ADDRESS,
      port,
      name,
      dir,
      run(command, args, runOptions = {}) {
        return new Promise((resolve, reject) => {
          // The user namespace first (it owns the network one); --preserve-credentials
          // because the namespace denies setgroups to unprivileged users.
          const client = spawn(
            nsenter,
            [
              "-t",
              String(started.pid),
              "-U",
              "-n",
              "--preserve-credentials",
              "--",
              command,
              ...args,
            ],
            {
              cwd: runOptions.cwd,
              env: runOptions.env ?? process.env,
              stdio: ["ignore", "pipe", "pipe"],
              timeout: runOptions.timeout ?? RUN_TIMEOUT,
              killSignal: "SIGKILL",
            },
          );
          clients.add(client);
          let stdout = "";
          let stderr = "";
          client.stdout.setEncoding("utf8").on("data", (chunk: string) => {
            stdout += chunk;
          });
          client.stderr.setEncoding("utf8").on("data", (chunk: string) => {
            stderr += chunk;
          });
          client.once("error", (error) => {
            clients.delete(client);
            reject(error);
          });
          client.once("close", (code) => {
            clients.delete(client);
            resolve({ code, stdout, stderr });
          });
        });
      },
      capture: () => readFile(join(dir, "capture.raw")),
      log: () => readOr(join(dir, "shairport-sync.log"), ""),
    };
    return await body(env);
  } finally {
    // Clients started through nsenter are outside the PID namespace: end them first.
    for (const client of clients) client.kill("SIGKILL");
    await Promise.all([...clients].map(waitForExit));
    if (holder) {
      // unshare --fork blocks SIGTERM; SIGKILL reaches it, and --kill-child passes it on.
      holder.kill("SIGKILL");
      await waitForExit(holder);
    }
    await rm(dir, { recursive: true, force: true });
  }
}
