import type { FeatureInfo, Features } from "./api/features.js";
import { enumValues, FeatureName, FeatureState } from "./const.js";

// The two Features methods pyatv implements once on top of getFeature, for implementers
// of Features to reuse.

/** Every feature's info, in FeatureName order; unsupported ones only if asked for. */
export function collectFeatures(
  features: Pick<Features, "getFeature">,
  includeUnsupported = false,
): Map<FeatureName, FeatureInfo> {
  const all = new Map<FeatureName, FeatureInfo>();
  for (const name of enumValues(FeatureName)) {
    const info = features.getFeature(name);
    if (includeUnsupported || info.state !== FeatureState.Unsupported) all.set(name, info);
  }
  return all;
}

/** True when each of `names` is in `states` (one state, or any of a list). */
export function featuresInState(
  features: Pick<Features, "getFeature">,
  states: FeatureState | readonly FeatureState[],
  names: readonly FeatureName[],
): boolean {
  const wanted: readonly FeatureState[] = typeof states === "number" ? [states] : states;
  return names.every((name) => wanted.includes(features.getFeature(name).state));
}
