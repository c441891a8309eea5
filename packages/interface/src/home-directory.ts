import { homedir } from "node:os";

/**
 * The user's home folder as os.homedir() finds it. libuv reads HOME first everywhere but
 * on Windows (USERPROFILE there), so HOME is read here on the others, and node:os is
 * loaded only when HOME is unset or empty (where os.homedir() would answer "", this asks
 * the system): the CLIs load node:os lazily, and they find the compile cache and the
 * storage file at every start.
 */
export function homeDirectory(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (platform === "win32") return homedir();
  return env.HOME || homedir();
}
