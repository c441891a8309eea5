/** A bad command line: printed with the usage, exit code 2 (as Python's argparse does). */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Exit code for a bad command line. */
export const USAGE_EXIT_CODE = 2;
