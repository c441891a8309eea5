// Volume as AirPlay receivers take it: dBFS from -30 (quietest) to 0, with -144 meaning
// muted; mapped linearly from 0-100 as pyatv's airplay/utils.py pct_to_dbfs/dbfs_to_pct.

const DBFS_MIN = -30;
const DBFS_MAX = 0;
/** What receivers take as muted. */
export const DBFS_MUTED = -144;

/** 0 → -144 (muted), else linear from -30 (0 %) to 0 (100 %). */
export function pctToDbfs(pct: number): number {
  if (!(pct >= 0 && pct <= 100)) throw new RangeError(`volume ${pct} is not within 0-100`);
  if (pct === 0) return DBFS_MUTED;
  return (pct * (DBFS_MAX - DBFS_MIN)) / 100 + DBFS_MIN;
}

/**
 * Anything below -30 → 0 (pyatv is defensive the same way), else linear to 100. Unlike
 * pyatv, which raises, a level above 0 counts as 100: the value comes from a device.
 */
export function dbfsToPct(db: number): number {
  if (Number.isNaN(db)) throw new RangeError("volume level is NaN");
  if (db < DBFS_MIN) return 0;
  if (db > DBFS_MAX) return 100;
  return ((db - DBFS_MIN) * 100) / (DBFS_MAX - DBFS_MIN);
}
