import type { FeatureName, FeatureState } from "../const.js";

/** A feature's state, with extra facts for some features (pyatv's FeatureInfo). */
export interface FeatureInfo {
  readonly state: FeatureState;
  readonly options?: Readonly<Record<string, unknown>>;
}

/** Which features the device supports and which are available now (pyatv's Features). */
export interface Features {
  getFeature(name: FeatureName): FeatureInfo;
  /** Every feature's info; unsupported ones only if `includeUnsupported`. */
  allFeatures(includeUnsupported?: boolean): Map<FeatureName, FeatureInfo>;
  /**
   * True when every one of `names` is in `states` (one state, or any of a list).
   */
  inState(states: FeatureState | readonly FeatureState[], ...names: FeatureName[]): boolean;
}
