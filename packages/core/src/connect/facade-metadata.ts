import type {
  AbortOptions,
  App,
  ArtworkInfo,
  ArtworkOptions,
  Metadata,
  Playing,
} from "@atv/interface";
import type { Relayer } from "./relayer.js";

/**
 * A Metadata whose every call and property comes from the highest-priority protocol that
 * has it; NotSupportedError (rejected, or thrown by a property) when none has.
 */
export function facadeMetadata(relayer: Relayer): Metadata {
  return {
    get deviceId(): string | undefined {
      return relayer.property("metadata", "deviceId");
    },
    get artworkId(): string | undefined {
      return relayer.property("metadata", "artworkId");
    },
    get app(): App | undefined {
      return relayer.property("metadata", "app");
    },
    artwork(opts?: ArtworkOptions): Promise<ArtworkInfo | undefined> {
      const artwork = relayer.relay("metadata", "artwork") as Metadata["artwork"];
      return artwork(opts);
    },
    playing(opts?: AbortOptions): Promise<Playing> {
      const playing = relayer.relay("metadata", "playing") as Metadata["playing"];
      return playing(opts);
    },
  };
}
