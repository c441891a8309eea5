// The requests that start playback of a URL, per AirPlay version, as pyatv sends them
// (protocols/raop/protocols/airplayv1.py and airplayv2.py, play_url). Both versions send
// the /play body as a binary plist; they differ in headers and keys.

import { encodePlist, PlistReal } from "@atv/plist";
import { AirPlayMajorVersion } from "../features.js";
import { BPLIST_CONTENT_TYPE } from "../http/rtsp-session.js";
import type { OutgoingRequest } from "../http/types.js";

export interface PlayRequestParameters {
  readonly version: AirPlayMajorVersion;
  readonly url: string;
  /** Where to start, in seconds. */
  readonly position: number;
  /** AirPlay 1: the body's X-Apple-Session-ID; AirPlay 2: the header's. */
  readonly sessionId: string;
  /** AirPlay 2 only: the body's "uuid" (pyatv: one per AirPlayV2 instance). */
  readonly uuid: string;
}

/**
 * POST /play (HTTP/1.1). A position is written as a plist real: pyatv's player takes a
 * float (its facade truncates to an int first; a real keeps fractions, and the unofficial
 * AirPlay 1 specification describes Start-Position as a real).
 */
export function playRequest(parameters: PlayRequestParameters): OutgoingRequest {
  const { version, url, position, sessionId, uuid } = parameters;
  if (version === AirPlayMajorVersion.AirPlayV1) {
    return {
      method: "POST",
      uri: "/play",
      headers: { "User-Agent": "MediaControl/1.0", "Content-Type": BPLIST_CONTENT_TYPE },
      body: encodePlist({
        "Content-Location": url,
        "Start-Position": new PlistReal(position),
        "X-Apple-Session-ID": sessionId,
      }),
    };
  }
  return {
    method: "POST",
    uri: "/play",
    headers: {
      "User-Agent": "AirPlay/550.10",
      "Content-Type": BPLIST_CONTENT_TYPE,
      "X-Apple-ProtocolVersion": "1",
      "X-Apple-Session-ID": sessionId,
      "X-Apple-Stream-ID": "1",
    },
    // pyatv: "Most fields are not needed here, but keeping them for reference"; they are
    // what an iPhone sends (values recorded by pyatv), kept for devices that look at them.
    body: encodePlist({
      "Content-Location": url,
      "Start-Position-Seconds": new PlistReal(position),
      uuid,
      streamType: 1,
      mediaType: "file",
      mightSupportStorePastisKeyRequests: true,
      playbackRestrictions: 0,
      secureConnectionMs: 22,
      volume: new PlistReal(1),
      infoMs: 122,
      connectMs: 18,
      authMs: 0,
      bonjourMs: 0,
      referenceRestrictions: 3,
      SenderMACAddress: "AA:BB:CC:DD:EE:FF",
      model: "iPhone14,3",
      postAuthMs: 0,
      clientBundleID: "dev.pyatv.GPU",
      clientProcName: "dev.pyatv.GPU",
      osBuildVersion: "20G1116",
      rate: new PlistReal(1),
    }),
  };
}

const ZERO_TIME = { flags: 0, value: 0, epoch: 0, timescale: 0 };

/**
 * What AirPlay 2 sends after /play, in order, as RTSP/1.0 requests of the session (pyatv
 * sends them with RtspSession.exchange, which adds CSeq, DACP-ID, Active-Remote and
 * Client-Instance). "/rate?value=1.000000" matters: without it the device stays paused.
 */
export function afterPlayRequests(): OutgoingRequest[] {
  const setProperty = (name: string, value: number | boolean | typeof ZERO_TIME) => ({
    method: "PUT",
    uri: `/setProperty?${name}`,
    protocol: "RTSP/1.0",
    headers: { "User-Agent": "AirPlay/550.10", "Content-Type": BPLIST_CONTENT_TYPE },
    body: encodePlist({ value }),
  });
  return [
    setProperty("isInterestedInDateRange", true),
    setProperty("actionAtItemEnd", 0),
    {
      method: "POST",
      uri: "/rate?value=1.000000",
      protocol: "RTSP/1.0",
      headers: { "User-Agent": "AirPlay/550.10" },
    },
    setProperty("forwardEndTime", ZERO_TIME),
    setProperty("reverseEndTime", ZERO_TIME),
  ];
}

/** POST /stop: ends what the device plays (AirPlay 1 video protocol). */
export function stopRequest(): OutgoingRequest {
  return { method: "POST", uri: "/stop" };
}
