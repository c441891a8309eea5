import {
  type DeviceInfoFields,
  modelFields,
  PairingRequirement,
  Protocol,
  type ProtocolScanPlugin,
  Service,
  type ServiceProperties,
  type ZeroconfService,
} from "@atv/interface";

export const COMPANION_SERVICE_TYPE = "_companion-link._tcp.local";

/**
 * Bits of the "rpFl" TXT value (flags) that tell about pairing, worked out by pyatv from
 * observed values (protocols/companion/__init__.py): 0x36782 and 0x367A2 on Apple TVs that
 * pair with a PIN, 0x627B6 on one that allows only members of its home, 0x20000 on Macs.
 */
export const CompanionFlag = {
  PairingDisabled: 0x4n,
  PinPairingSupported: 0x4000n,
} as const;
export type CompanionFlag = (typeof CompanionFlag)[keyof typeof CompanionFlag];

// What Python's int(value, 16) accepts, less signs and digit underscores.
const HEX_PATTERN = /^\s*(?:0x)?([0-9a-f]+)\s*$/i;

/** The "rpFl" flags; a value that is not hex counts as none (pyatv would raise). */
export function companionFlags(properties: ServiceProperties): bigint {
  const match = HEX_PATTERN.exec(properties.get("rpFl") ?? "0x0");
  return match ? BigInt(`0x${match[1]}`) : 0n;
}

/** Pairing requirement from the "rpFl" flags, as pyatv's service_info decides it. */
export function companionPairingRequirement(properties: ServiceProperties): PairingRequirement {
  const flags = companionFlags(properties);
  if ((flags & CompanionFlag.PairingDisabled) !== 0n) return PairingRequirement.Disabled;
  if ((flags & CompanionFlag.PinPairingSupported) !== 0n) return PairingRequirement.Mandatory;
  return PairingRequirement.Unsupported;
}

function handleCompanion(service: ZeroconfService) {
  return {
    name: service.name,
    service: new Service({
      // Static on tvOS 16 (maybe earlier); devices without it have no usable identifier
      // here, so only another protocol's service can make them a device.
      identifier: service.properties.get("rpMRtID"),
      protocol: Protocol.Companion,
      port: service.port,
      properties: service.properties,
    }),
  };
}

function companionDeviceInfo(
  _serviceType: string,
  properties: ServiceProperties,
): DeviceInfoFields {
  const rawModel = properties.get("rpMd");
  const info: DeviceInfoFields =
    rawModel === undefined ? {} : modelFields(rawModel, { withOs: false });
  return info;
}

/** Scanning for Companion link (pyatv's protocols/companion scan, device_info, service_info). */
export const companionScanPlugin: ProtocolScanPlugin = {
  protocol: Protocol.Companion,
  serviceTypes: {
    [COMPANION_SERVICE_TYPE]: {
      handle: handleCompanion,
      deviceInfoName: (instanceName) => instanceName,
    },
  },
  deviceInfo: companionDeviceInfo,
  serviceInfo(service) {
    service.pairing = companionPairingRequirement(service.properties);
  },
};
