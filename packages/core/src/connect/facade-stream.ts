import type { PlayUrlOptions, Stream, StreamFileOptions, StreamSource } from "@atv/interface";
import type { Relayer } from "./relayer.js";

/** A Stream whose calls go to the highest-priority protocol that can make them. */
export function facadeStream(relayer: Relayer): Stream {
  return {
    playUrl(url: string, opts?: PlayUrlOptions): Promise<void> {
      const playUrl = relayer.relay("stream", "playUrl") as Stream["playUrl"];
      return playUrl(url, opts);
    },
    streamFile(source: StreamSource, opts?: StreamFileOptions): Promise<void> {
      const streamFile = relayer.relay("stream", "streamFile") as Stream["streamFile"];
      return streamFile(source, opts);
    },
    close(): void {
      for (const session of relayer.byPriority()) session.stream?.close?.();
    },
  };
}
