import {
  collectFeatures,
  type FeatureInfo,
  FeatureName,
  FeatureState,
  type Features,
  featuresInState,
} from "@atv/interface";
import type { Relayer } from "./relayer.js";

/**
 * Each feature as the highest-priority protocol that supports it reports it; push
 * updates are available when any protocol has them (pyatv's FacadeFeatures).
 */
export class FacadeFeatures implements Features {
  readonly #relayer: Relayer;

  constructor(relayer: Relayer) {
    this.#relayer = relayer;
  }

  getFeature(name: FeatureName): FeatureInfo {
    if (name === FeatureName.PushUpdates && this.#relayer.part("pushUpdater") !== undefined) {
      return { state: FeatureState.Available };
    }
    for (const session of this.#relayer.byPriority()) {
      const info = session.features?.getFeature(name);
      if (info !== undefined && info.state !== FeatureState.Unsupported) return info;
    }
    return { state: FeatureState.Unsupported };
  }

  allFeatures(includeUnsupported = false): Map<FeatureName, FeatureInfo> {
    return collectFeatures(this, includeUnsupported);
  }

  inState(states: FeatureState | readonly FeatureState[], ...names: FeatureName[]): boolean {
    return featuresInState(this, states, names);
  }
}
