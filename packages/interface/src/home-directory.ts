import { homedir } from "node:os";

/**
 * The user's home folder as os.homedir() finds it. libuv reads HOME first on every
 * platform, so HOME is read here, and node:os is loaded only when HOME is unset or empty:
 * the CLIs load it lazily, and the compile cache and the storage file are found at every
 * start.
 */
export function homeDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOME || homedir();
}
