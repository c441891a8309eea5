import {
  type DeviceInfoFields,
  lookupVersion,
  OperatingSystem,
  PairingRequirement,
  Protocol,
  type ProtocolScanPlugin,
  Service,
  type ServiceProperties,
  type ZeroconfService,
} from "@atv/interface";

export const MRP_SERVICE_TYPE = "_mediaremotetv._tcp.local";

/**
 * Whether MRP still works on a device of this build ("18M60"). From tvOS 15 (builds 19x)
 * the device announces MRP but no longer accepts clients on it, so pyatv disables the
 * service; remote control then goes through the AirPlay 2 tunnel.
 */
export function isMrpSupportedBuild(build: string | undefined): boolean {
  const major = /^(\d+)[A-Z]/.exec(build ?? "")?.[1];
  return major === undefined || Number(major) < 19;
}

function handleMrp(service: ZeroconfService) {
  const properties = service.properties;
  return {
    name: properties.get("Name") ?? "Unknown",
    service: new Service({
      identifier: properties.get("UniqueIdentifier"),
      protocol: Protocol.MRP,
      port: service.port,
      properties,
      enabled: isMrpSupportedBuild(properties.get("SystemBuildVersion")),
    }),
  };
}

function mrpDeviceInfo(_serviceType: string, properties: ServiceProperties): DeviceInfoFields {
  // Only Apple TVs and HomePods speak MRP, and both run tvOS.
  const info: DeviceInfoFields = { operatingSystem: OperatingSystem.TvOS };
  const build = properties.get("SystemBuildVersion");
  if (build !== undefined) {
    info.buildNumber = build;
    const version = lookupVersion(build);
    if (version !== undefined) info.version = version;
  }
  const mac = properties.get("macAddress");
  if (mac !== undefined) info.mac = mac;
  return info;
}

/** Scanning for MRP (pyatv's protocols/mrp scan, device_info, service_info). */
export const mrpScanPlugin: ProtocolScanPlugin = {
  protocol: Protocol.MRP,
  serviceTypes: {
    [MRP_SERVICE_TYPE]: {
      handle: handleMrp,
      deviceInfoName: (instanceName) => instanceName,
    },
  },
  deviceInfo: mrpDeviceInfo,
  serviceInfo(service) {
    // MRP has never required pairing, but a device that allows it can be paired with.
    if (!service.enabled) {
      service.pairing = PairingRequirement.NotNeeded;
    } else if ((service.properties.get("AllowPairing") ?? "no").toLowerCase() === "yes") {
      service.pairing = PairingRequirement.Optional;
    } else {
      service.pairing = PairingRequirement.Disabled;
    }
  },
};
