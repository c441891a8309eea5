import {
  type DeviceInfoFields,
  modelFields,
  Protocol,
  type ProtocolScanPlugin,
  Service,
  type ServiceProperties,
  type ZeroconfService,
} from "@atv/interface";
import { updateServiceDetails } from "./access.js";

// RAOP completes its services as AirPlay does, from this entry: without AirPlay's client.
export { updateServiceDetails };

export const AIRPLAY_SERVICE_TYPE = "_airplay._tcp.local";

function handleAirPlay(service: ZeroconfService) {
  return {
    name: service.name,
    service: new Service({
      identifier: service.properties.get("deviceid"),
      protocol: Protocol.AirPlay,
      port: service.port,
      properties: service.properties,
    }),
  };
}

function airplayDeviceInfo(_serviceType: string, properties: ServiceProperties): DeviceInfoFields {
  const rawModel = properties.get("model");
  // Only Mac identifiers tell the OS here; Apple TVs get theirs from the model later.
  const info: DeviceInfoFields = rawModel === undefined ? {} : modelFields(rawModel);
  const version = properties.get("osvers");
  if (version !== undefined) info.version = version;
  // The device id is the MAC address of the receiver's primary interface.
  const mac = properties.get("deviceid");
  if (mac !== undefined) info.mac = mac;
  // The public system pairing identity ("psi") is preferred over the older "pi".
  const outputDeviceId = properties.get("psi") ?? properties.get("pi");
  if (outputDeviceId !== undefined) info.outputDeviceId = outputDeviceId;
  return info;
}

/** Scanning for AirPlay receivers (pyatv's protocols/airplay scan, device_info, service_info). */
export const airplayScanPlugin: ProtocolScanPlugin = {
  protocol: Protocol.AirPlay,
  serviceTypes: {
    [AIRPLAY_SERVICE_TYPE]: {
      handle: handleAirPlay,
      deviceInfoName: (instanceName) => instanceName,
    },
  },
  deviceInfo: airplayDeviceInfo,
  serviceInfo(service) {
    // pyatv decides nothing else here: whether remote control runs over AirPlay 2 (the
    // MRP tunnel) is settled at connect time, from the credentials and the model.
    updateServiceDetails(service);
  },
};
