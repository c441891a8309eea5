import { describe, expect, it } from "vitest";
import type { FeatureInfo } from "./api/features.js";
import { FeatureName, FeatureState } from "./const.js";
import { collectFeatures, featuresInState } from "./features.js";

function featuresWith(states: Partial<Record<FeatureName, FeatureState>>) {
  return {
    getFeature(name: FeatureName): FeatureInfo {
      return { state: states[name] ?? FeatureState.Unsupported };
    },
  };
}

describe("collectFeatures", () => {
  it("leaves out unsupported features unless asked", () => {
    const features = featuresWith({
      [FeatureName.Play]: FeatureState.Available,
      [FeatureName.Pause]: FeatureState.Unavailable,
    });
    expect([...collectFeatures(features).keys()]).toEqual([FeatureName.Play, FeatureName.Pause]);
    const all = collectFeatures(features, true);
    expect(all.size).toBe(68);
    expect(all.get(FeatureName.Up)?.state).toBe(FeatureState.Unsupported);
  });

  it("is empty when nothing is supported", () => {
    expect(collectFeatures(featuresWith({})).size).toBe(0);
  });
});

describe("featuresInState", () => {
  const features = featuresWith({
    [FeatureName.Play]: FeatureState.Unsupported,
    [FeatureName.Pause]: FeatureState.Available,
  });

  it("checks one state or a list of states", () => {
    expect(featuresInState(features, FeatureState.Unknown, [FeatureName.Play])).toBe(false);
    expect(featuresInState(features, [FeatureState.Unknown], [FeatureName.Play])).toBe(false);
    expect(featuresInState(features, FeatureState.Unsupported, [FeatureName.Play])).toBe(true);
    expect(featuresInState(features, [FeatureState.Unsupported], [FeatureName.Play])).toBe(true);
  });

  it("needs every feature in the states", () => {
    const both = [FeatureName.Play, FeatureName.Pause];
    expect(featuresInState(features, [FeatureState.Unsupported], both)).toBe(false);
    expect(
      featuresInState(features, [FeatureState.Unsupported, FeatureState.Available], both),
    ).toBe(true);
  });
});
