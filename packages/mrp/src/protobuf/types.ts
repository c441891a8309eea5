// Plain-object types of the MRP messages, as decoded and as accepted for encoding.
// Every field is optional: proto2 fields absent from the wire read as undefined.

import type * as pb from "./generated/mrp.js";

export type ProtocolMessage = pb.ProtocolMessage.$Properties;

export type AvOutputDeviceDescriptor = pb.AVOutputDeviceDescriptor.$Properties;
export type ClientUpdatesConfigMessage = pb.ClientUpdatesConfigMessage.$Properties;
export type CommandInfo = pb.CommandInfo.$Properties;
export type CommandOptions = pb.CommandOptions.$Properties;
export type ContentItem = pb.ContentItem.$Properties;
export type ContentItemMetadata = pb.ContentItemMetadata.$Properties;
export type CryptoPairingMessage = pb.CryptoPairingMessage.$Properties;
export type DeviceInfoMessage = pb.DeviceInfoMessage.$Properties;
export type KeyboardMessage = pb.KeyboardMessage.$Properties;
export type ModifyOutputContextRequestMessage = pb.ModifyOutputContextRequestMessage.$Properties;
export type NowPlayingClient = pb.NowPlayingClient.$Properties;
export type NowPlayingInfo = pb.NowPlayingInfo.$Properties;
export type NowPlayingPlayer = pb.NowPlayingPlayer.$Properties;
export type Origin = pb.Origin.$Properties;
export type PlaybackQueue = pb.PlaybackQueue.$Properties;
export type PlaybackQueueCapabilities = pb.PlaybackQueueCapabilities.$Properties;
export type PlaybackQueueRequestMessage = pb.PlaybackQueueRequestMessage.$Properties;
export type PlayerPath = pb.PlayerPath.$Properties;
export type SendCommandMessage = pb.SendCommandMessage.$Properties;
export type SendCommandResultMessage = pb.SendCommandResultMessage.$Properties;
export type SetDefaultSupportedCommandsMessage = pb.SetDefaultSupportedCommandsMessage.$Properties;
export type SetStateMessage = pb.SetStateMessage.$Properties;
export type SupportedCommands = pb.SupportedCommands.$Properties;
export type TransactionMessage = pb.TransactionMessage.$Properties;
export type UpdateContentItemMessage = pb.UpdateContentItemMessage.$Properties;
export type UpdateOutputDeviceMessage = pb.UpdateOutputDeviceMessage.$Properties;
export type VolumeControlAvailabilityMessage = pb.VolumeControlAvailabilityMessage.$Properties;
