export type { ServiceAnnouncement } from "./announcement.js";
export {
  type DecodeResult,
  type DnsMessage,
  type DnsQuestion,
  type DnsRecord,
  decodeMessage,
  encodeMessage,
  type OutgoingMessage,
} from "./codec.js";
export {
  DEFAULT_KNOCK_DELAY,
  DEFAULT_QUERY_TIMEOUT,
  MDNS_GROUP,
  MDNS_PORT,
} from "./constants.js";
export { MalformedPacketError } from "./errors.js";
export { DEFAULT_KNOCK_PORTS, type Knock, knock } from "./knock.js";
export { isInLocalSubnet, type LocalInterface, systemInterfaces } from "./local-network.js";
export { type Logger, silentLogger } from "./logger.js";
export { type MulticastBrowseOptions, multicastBrowse } from "./multicast-browse.js";
export {
  DEVICE_INFO_SERVICE,
  SERVICE_ENUMERATION,
  type ServiceInstanceName,
  SLEEP_PROXY_SERVICE,
  splitServiceName,
} from "./names.js";
export { buildResponse, isSleepProxyAnswer, modelOf, parseServices } from "./parser.js";
export { createServiceQueries, QUERY_ID, spreadServiceTypes } from "./query.js";
export {
  type PublishOptions,
  type ReceivedAnnouncement,
  type ResponderOptions,
  ZeroconfResponder,
} from "./responder.js";
export { createStats, type ZeroconfStats } from "./stats.js";
export { decodeTxt, decodeTxtValue, encodeTxt } from "./txt.js";
export { type UnicastScanOptions, unicastScan } from "./unicast-scan.js";
export { MAX_MESSAGE_SIZE, RecordType } from "./wire.js";
