// What atvfake plays for a demo: apps and items as a real Apple TV shows them, in turn
// (as pyatv's fake_device.py loops through its examples): a film in the TV app, then
// music in the Music app, then nothing. Each plays on from where it starts, and obeys
// play, pause, skips and next/previous like a device's player.

import type { FakeDmapItem, FakeDmapState } from "@atv/dmap/fake";
import { ContentMediaType, PlaybackState } from "@atv/mrp";
import { type FakeMrpUseCases, type FakePlayingState, solidPng, TINY_JPEG } from "@atv/mrp/fake";

/** The apps the demo plays in (both among the fake's installed apps). */
export const DEMO_VIDEO_APP = { bundleId: "com.apple.TVWatchList", name: "TV" } as const;
export const DEMO_MUSIC_APP = { bundleId: "com.apple.TVMusic", name: "Music" } as const;

// The film's artwork, a small blue frame, made when first shown.
let videoArtwork: Uint8Array | undefined;
function demoVideoArtwork(): Uint8Array {
  videoArtwork ??= solidPng(64, 36, [40, 80, 200]);
  return videoArtwork;
}

/** The demo film: an open film (Blender Foundation, CC BY 3.0), playing. */
export function demoVideo(): FakePlayingState {
  return {
    playbackState: PlaybackState.Playing,
    playbackRate: 1,
    mediaType: ContentMediaType.Video,
    title: "Big Buck Bunny",
    genre: "Animation",
    totalTime: 596,
    position: 12,
    identifier: "atvfake-video",
    appName: DEMO_VIDEO_APP.name,
    artwork: demoVideoArtwork(),
    artworkMimeType: "image/png",
    artworkIdentifier: "atvfake-video",
  };
}

/** The demo album's tracks (public-domain works), the first playing. */
export function demoTracks(): FakePlayingState[] {
  const track = (title: string, totalTime: number, n: number): FakePlayingState => ({
    playbackState: PlaybackState.Playing,
    playbackRate: 1,
    mediaType: ContentMediaType.Audio,
    title,
    artist: "Claude Debussy",
    album: "Suite bergamasque",
    genre: "Classical",
    totalTime,
    position: 0,
    identifier: `atvfake-track-${n}`,
    appName: DEMO_MUSIC_APP.name,
    artwork: TINY_JPEG,
    artworkMimeType: "image/jpeg",
    artworkIdentifier: "atvfake-music",
  });
  return [track("Prélude", 290, 1), track("Menuet", 300, 2), track("Clair de lune", 305, 3)];
}

/** The demo's steps, in order: the film, the album, nothing playing. */
export function demoSteps(useCases: FakeMrpUseCases): Array<() => void> {
  return [
    () => useCases.playQueue(DEMO_VIDEO_APP.bundleId, [demoVideo()]),
    () => useCases.playQueue(DEMO_MUSIC_APP.bundleId, demoTracks()),
    () => useCases.nothingPlaying(),
  ];
}

// DMAP's media kinds (dmcp.mediakind, pyatv's daap.media_kind).
const DMAP_MUSIC = 2;
const DMAP_VIDEO = 3;

/**
 * The same demo as an Apple TV 3 plays it over DMAP, which knows no apps: the film, the
 * album (artwork, if any, is PNG there), nothing playing.
 */
export function dmapDemoSteps(state: FakeDmapState): Array<() => void> {
  const video = demoVideo();
  const film: FakeDmapItem = {
    title: video.title ?? "",
    genre: video.genre ?? "",
    totalTime: video.totalTime ?? 0,
    mediaKind: DMAP_VIDEO,
    artwork: demoVideoArtwork(),
  };
  const tracks: FakeDmapItem[] = demoTracks().map((track) => ({
    title: track.title ?? "",
    artist: track.artist ?? "",
    album: track.album ?? "",
    genre: track.genre ?? "",
    totalTime: track.totalTime ?? 0,
    mediaKind: DMAP_MUSIC,
  }));
  return [
    () => state.playItems([film], { positionMs: (video.position ?? 0) * 1000, playing: true }),
    () => state.playItems(tracks, { playing: true }),
    () => state.nothingPlaying(),
  ];
}
