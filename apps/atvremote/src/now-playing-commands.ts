import { type FacadeAppleTV, playingStr } from "@atv/core";

/** The now-playing commands of atvremote and what each prints (as pyatv's atvremote). */
const NOW_PLAYING_COMMANDS: Record<string, (atv: FacadeAppleTV) => Promise<string>> = {
  playing: async (atv) => playingStr(await atv.metadata.playing()),
  // pyatv prints App's str, and nothing at all when there is no app (its _pretty_print).
  app: async (atv) => {
    const app = atv.metadata.app;
    return app ? `App: ${app.name ?? "None"} (${app.identifier})` : "";
  },
};

export function isNowPlayingCommand(name: string): boolean {
  return Object.hasOwn(NOW_PLAYING_COMMANDS, name);
}

/** Runs a now-playing command and returns what to print ("" for nothing). */
export async function runNowPlayingCommand(atv: FacadeAppleTV, name: string): Promise<string> {
  const command = NOW_PLAYING_COMMANDS[name];
  if (command === undefined) throw new Error(`not a now-playing command: ${name}`);
  return command(atv);
}
