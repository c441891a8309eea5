import { updateServiceDetails } from "@atv/airplay/scan";
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

export const RAOP_SERVICE_TYPE = "_raop._tcp.local";
/** Announced by AirPort Express; read only for its MAC address and firmware version. */
export const AIRPORT_SERVICE_TYPE = "_airport._tcp.local";

/**
 * Splits a RAOP instance name, normally "<id>@<name>" (the id being the MAC address in hex).
 * Some receivers announce just "<name>"; then there is no id.
 */
export function splitRaopName(instanceName: string): { id: string | undefined; name: string } {
  const at = instanceName.indexOf("@");
  if (at < 0) return { id: undefined, name: instanceName };
  return { id: instanceName.slice(0, at), name: instanceName.slice(at + 1) };
}

function handleRaop(service: ZeroconfService) {
  const { id, name } = splitRaopName(service.name);
  return {
    name,
    service: new Service({
      // Receivers without an id in their name may still announce their public key.
      identifier: id ?? service.properties.get("pk"),
      protocol: Protocol.RAOP,
      port: service.port,
      properties: service.properties,
    }),
  };
}

/**
 * Reads the "wama" value of _airport._tcp: the MAC address first, then "key=value" pairs,
 * e.g. "AA-AA-AA-AA-AA-AA,raMA=BB-BB-BB-BB-BB-BB,...,syVs=7.8.1,...". Items without "="
 * are skipped (pyatv would raise on them).
 */
function parseWama(wama: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const item of `macaddress=${wama}`.split(",")) {
    const eq = item.indexOf("=");
    if (eq >= 0) values.set(item.slice(0, eq), item.slice(eq + 1));
  }
  return values;
}

function raopDeviceInfo(_serviceType: string, properties: ServiceProperties): DeviceInfoFields {
  const rawModel = properties.get("am");
  const info: DeviceInfoFields = rawModel === undefined ? {} : modelFields(rawModel);
  const version = properties.get("ov");
  if (version !== undefined) info.version = version;

  const wama = properties.get("wama");
  if (wama !== undefined) {
    const values = parseWama(wama);
    const mac = values.get("macaddress");
    if (mac !== undefined) info.mac = mac.replaceAll("-", ":").toUpperCase();
    const firmware = values.get("syVs");
    if (firmware !== undefined) info.version = firmware;
  }
  return info;
}

/** Scanning for RAOP receivers (pyatv's protocols/raop scan, device_info, service_info). */
export const raopScanPlugin: ProtocolScanPlugin = {
  protocol: Protocol.RAOP,
  serviceTypes: {
    [RAOP_SERVICE_TYPE]: {
      handle: handleRaop,
      deviceInfoName: (instanceName) => splitRaopName(instanceName).name,
    },
    [AIRPORT_SERVICE_TYPE]: {
      handle: () => undefined,
      deviceInfoName: (instanceName) => instanceName,
    },
  },
  deviceInfo: raopDeviceInfo,
  serviceInfo(service, _deviceInfo, services) {
    // The AirPlay service's access control rules RAOP too.
    const airplay = services.get(Protocol.AirPlay)?.properties;
    if ((airplay?.get("acl") ?? "0") === "1") {
      service.pairing = PairingRequirement.Disabled;
    } else if ((airplay?.get("act") ?? "0") === "2") {
      // "Current user" access, which pyatv cannot pair with.
      service.pairing = PairingRequirement.Unsupported;
    } else {
      updateServiceDetails(service);
    }
  },
};
