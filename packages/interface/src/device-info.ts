import { DeviceModel, OperatingSystem } from "./const.js";
import { modelStr, operatingSystemStr } from "./convert.js";
import { lookupModel, lookupOs, lookupVersion } from "./device-models.js";

/** What a protocol can tell about a device; every field may be missing. */
export interface DeviceInfoFields {
  operatingSystem?: OperatingSystem;
  /** OS version, e.g. "14.2". */
  version?: string;
  /** OS build, e.g. "18K57". */
  buildNumber?: string;
  model?: DeviceModel;
  /** The model as the device named it, kept for models not known to this library. */
  rawModel?: string;
  mac?: string;
  /** AirPlay device id, which names the device in output-device lists. */
  outputDeviceId?: string;
}

/**
 * General facts about a device, merged from what its services announced. Missing facts
 * are inferred where possible: the OS from the model, the version from the build.
 */
export class DeviceInfo {
  readonly #fields: Readonly<DeviceInfoFields>;

  constructor(fields: DeviceInfoFields) {
    this.#fields = { ...fields };
  }

  get operatingSystem(): OperatingSystem {
    const os = this.#fields.operatingSystem ?? OperatingSystem.Unknown;
    return os === OperatingSystem.Unknown ? guessOs(this.model) : os;
  }

  get version(): string | undefined {
    // An empty version counts as missing, as in pyatv.
    return this.#fields.version || lookupVersion(this.#fields.buildNumber) || this.#fields.version;
  }

  get buildNumber(): string | undefined {
    return this.#fields.buildNumber;
  }

  get model(): DeviceModel {
    return this.#fields.model ?? DeviceModel.Unknown;
  }

  /** The device's own model name; worth showing when `model` is Unknown. */
  get rawModel(): string | undefined {
    return this.#fields.rawModel;
  }

  /** The model's display name, or the raw model name when the model is not known. */
  get modelStr(): string {
    const raw = this.#fields.rawModel;
    return this.model === DeviceModel.Unknown && raw ? raw : modelStr(this.model);
  }

  get mac(): string | undefined {
    return this.#fields.mac;
  }

  get outputDeviceId(): string | undefined {
    return this.#fields.outputDeviceId;
  }

  /** As pyatv prints it, e.g. "Apple TV 4K, tvOS 14.2 build 18K57". */
  toString(): string {
    let text = `${this.modelStr}, ${operatingSystemStr(this.operatingSystem)}`;
    const version = this.version;
    if (version) text += ` ${version}`;
    if (this.buildNumber) text += ` build ${this.buildNumber}`;
    return text;
  }

  /** The facts with inferred values filled in; `new DeviceInfo(info.toJSON())` equals `info`. */
  toJSON(): DeviceInfoFields {
    const json: DeviceInfoFields = {
      operatingSystem: this.operatingSystem,
      model: this.model,
    };
    const version = this.version;
    if (version !== undefined) json.version = version;
    if (this.buildNumber !== undefined) json.buildNumber = this.buildNumber;
    if (this.rawModel !== undefined) json.rawModel = this.rawModel;
    if (this.mac !== undefined) json.mac = this.mac;
    if (this.outputDeviceId !== undefined) json.outputDeviceId = this.outputDeviceId;
    return json;
  }
}

// pyatv's DeviceInfo guesses the OS with its own list, which differs from lookup_os: Apple
// TV 2 and 3 count as tvOS and HomePod (gen 2) as unknown. Kept so output matches pyatv's.
function guessOs(model: DeviceModel): OperatingSystem {
  switch (model) {
    case DeviceModel.AirPortExpress:
    case DeviceModel.AirPortExpressGen2:
      return OperatingSystem.AirPortOS;
    case DeviceModel.HomePod:
    case DeviceModel.HomePodMini:
    case DeviceModel.Gen2:
    case DeviceModel.Gen3:
    case DeviceModel.Gen4:
    case DeviceModel.Gen4K:
    case DeviceModel.AppleTV4KGen2:
    case DeviceModel.AppleTV4KGen3:
      return OperatingSystem.TvOS;
    default:
      return OperatingSystem.Unknown;
  }
}

/**
 * The device facts a model identifier in a TXT record tells ("AppleTV6,2", "MacBookPro18,1"):
 * the raw identifier, the model when it is known, and, with `withOs`, the OS when the
 * identifier alone tells it (pyatv's lookup_model and lookup_os).
 */
export function modelFields(rawModel: string, { withOs = true } = {}): DeviceInfoFields {
  const fields: DeviceInfoFields = { rawModel };
  const model = lookupModel(rawModel);
  if (model !== DeviceModel.Unknown) fields.model = model;
  if (withOs) {
    const os = lookupOs(rawModel);
    if (os !== OperatingSystem.Unknown) fields.operatingSystem = os;
  }
  return fields;
}
