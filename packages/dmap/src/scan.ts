import {
  type DeviceInfoFields,
  DeviceModel,
  OperatingSystem,
  PairingRequirement,
  Protocol,
  type ProtocolScanPlugin,
  Service,
  type ServiceProperties,
  type ServiceTypeHandler,
  type ZeroconfService,
} from "@atv/interface";

/** Home Sharing on an Apple TV 2/3. */
export const HOMESHARING_SERVICE_TYPE = "_appletv-v2._tcp.local";
/** DACP remote control ("touch remote") on an Apple TV 2/3. */
export const DMAP_SERVICE_TYPE = "_touch-able._tcp.local";
/** Home Sharing in the Music app (or iTunes) on a computer. */
export const HSCP_SERVICE_TYPE = "_hscp._tcp.local";

// The identifier is the instance name up to the first "_".
function idFromInstanceName(name: string): string {
  return name.split("_", 1)[0]!;
}

/**
 * A handler for one DMAP service type. None of them tells a device name usable for
 * _device-info answers.
 */
function dmapHandler(
  nameKey: string,
  identifier: (service: ZeroconfService) => string | undefined,
  homeSharing: boolean,
): ServiceTypeHandler {
  return {
    handle(found) {
      return {
        name: found.properties.get(nameKey) ?? "Unknown",
        service: new Service({
          identifier: identifier(found),
          protocol: Protocol.DMAP,
          port: found.port,
          properties: found.properties,
          // The Home Sharing id ("hG") serves as credentials, so no pairing is needed.
          credentials: homeSharing ? found.properties.get("hG") : undefined,
        }),
      };
    },
    deviceInfoName: () => undefined,
  };
}

function dmapDeviceInfo(serviceType: string, _properties: ServiceProperties): DeviceInfoFields {
  // DMAP is the protocol of Apple TV 2/3 and the Music app: a guess, but a fair one.
  const info: DeviceInfoFields = { operatingSystem: OperatingSystem.Legacy };
  if (serviceType === HSCP_SERVICE_TYPE) info.model = DeviceModel.Music;
  return info;
}

/** Scanning for DMAP (pyatv's protocols/dmap scan, device_info, service_info). */
export const dmapScanPlugin: ProtocolScanPlugin = {
  protocol: Protocol.DMAP,
  serviceTypes: {
    [HOMESHARING_SERVICE_TYPE]: dmapHandler("Name", (s) => idFromInstanceName(s.name), true),
    [DMAP_SERVICE_TYPE]: dmapHandler("CtlN", (s) => idFromInstanceName(s.name), false),
    [HSCP_SERVICE_TYPE]: dmapHandler("Machine Name", (s) => s.properties.get("Machine ID"), true),
  },
  deviceInfo: dmapDeviceInfo,
  serviceInfo(service) {
    // With Home Sharing on, "hG" works as credentials; else the device must be paired.
    service.pairing = service.properties.has("hG")
      ? PairingRequirement.Optional
      : PairingRequirement.Mandatory;
  },
};
