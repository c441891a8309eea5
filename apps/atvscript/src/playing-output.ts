import {
  type App,
  DeviceState,
  enumName,
  MediaType,
  type Playing,
  RepeatState,
  ShuffleState,
} from "@atv/core";

/**
 * What is playing in pyatv's atvscript layout: Playing's fields in pyatv's order, enums as
 * lower-case names, and (as pyatv) every falsy value, 0 and "" included, as null; then the
 * app's name and bundle id.
 */
export function playingValues(playing: Playing, app: App | undefined): Record<string, unknown> {
  const value = (field: string | number | undefined) => (field ? field : null);
  const name = (enumeration: Record<string, number>, field: number | undefined) =>
    field === undefined ? null : (enumName(enumeration, field)?.toLowerCase() ?? null);
  return {
    hash: value(playing.hash),
    media_type: name(MediaType, playing.mediaType),
    device_state: name(DeviceState, playing.deviceState),
    title: value(playing.title),
    artist: value(playing.artist),
    album: value(playing.album),
    genre: value(playing.genre),
    total_time: value(playing.totalTime),
    position: value(playing.position),
    shuffle: name(ShuffleState, playing.shuffle),
    repeat: name(RepeatState, playing.repeat),
    series_name: value(playing.seriesName),
    season_number: value(playing.seasonNumber),
    episode_number: value(playing.episodeNumber),
    content_identifier: value(playing.contentIdentifier),
    itunes_store_identifier: value(playing.itunesStoreIdentifier),
    app: app?.name ?? null,
    app_id: app?.identifier ?? null,
  };
}
