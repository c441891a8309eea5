import {
  type FeatureInfo,
  type FeatureName,
  FeatureState,
  type ProtocolSession,
} from "@atv/interface";
import type { ReconnectGate } from "./reconnect-gate.js";

type Part = Exclude<keyof ProtocolSession, "protocol" | "close" | "takesOver" | "pushUpdater">;

const PARTS: readonly Part[] = [
  "remoteControl",
  "metadata",
  "audio",
  "power",
  "features",
  "apps",
  "userAccounts",
  "stream",
  "keyboard",
  "touch",
];

/** Makes the call `part.method(...args)` on whichever sessions are connected by then. */
export type Redispatch = (part: Part, method: string, args: unknown[]) => Promise<unknown>;

/**
 * What stands in for `lost` while reconnecting, with the same parts and members, so the
 * facade's relayer keeps choosing the same protocol: its methods wait for the next
 * connection and then make the call there; its properties cannot wait and throw
 * ConnectionLostError. Push updates are left out: the facade resumes them itself.
 */
export function gapSession(
  lost: ProtocolSession,
  gate: ReconnectGate,
  callTimeout: number,
  redispatch: Redispatch,
): ProtocolSession {
  const session: Record<string, unknown> = { protocol: lost.protocol, close: async () => {} };
  for (const part of PARTS) {
    const target = lost[part];
    if (target !== undefined) session[part] = gapPart(part, target, gate, callTimeout, redispatch);
  }
  return session as unknown as ProtocolSession;
}

function gapPart(
  part: Part,
  target: object,
  gate: ReconnectGate,
  callTimeout: number,
  redispatch: Redispatch,
): object {
  const stand: Record<string, unknown> = {};
  for (const [name, descriptor] of members(target)) {
    if (part === "features" && name === "getFeature") {
      stand[name] = (feature: FeatureName) => unavailable(target, feature);
    } else if (part === "stream" && name === "close") {
      // Nothing streams without a connection; closing it is already done.
      stand[name] = () => {};
    } else if (typeof descriptor.value === "function") {
      stand[name] = async (...args: unknown[]) => {
        await gate.waitForCall(args, callTimeout);
        return redispatch(part, name, args);
      };
    } else {
      Object.defineProperty(stand, name, {
        enumerable: true,
        get: () => {
          throw gate.notConnected();
        },
      });
    }
  }
  return stand;
}

/** Every member of `target` and its prototypes (a class's methods and getters too). */
function members(target: object): Map<string, PropertyDescriptor> {
  const found = new Map<string, PropertyDescriptor>();
  for (let o: object | null = target; o !== null && o !== Object.prototype; ) {
    for (const name of Object.getOwnPropertyNames(o)) {
      // The listener is core's own relay, set again on the next connection's session.
      if (name === "constructor" || name === "listener" || found.has(name)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(o, name);
      if (descriptor !== undefined) found.set(name, descriptor);
    }
    o = Object.getPrototypeOf(o) as object | null;
  }
  return found;
}

/** A feature the lost protocol had is unavailable until it is back; others stay unsupported. */
function unavailable(target: object, feature: FeatureName): FeatureInfo {
  try {
    const info = (target as { getFeature(name: FeatureName): FeatureInfo }).getFeature(feature);
    if (info.state === FeatureState.Unsupported) return info;
  } catch {
    // A closed session may not answer; not knowing, the feature is only unavailable.
  }
  return { state: FeatureState.Unavailable };
}
