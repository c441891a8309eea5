// One Logger type for all of atv lives in @atv/interface; re-exported for this package's users.
export { type Logger, silentLogger } from "@atv/interface";
