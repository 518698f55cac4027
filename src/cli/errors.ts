/** Errors a user can act on (bad pack, bad waiver file, bad flag) print as one message and exit 2. */
export function userFacingMessage(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const known = ['DataFileError', 'AggregateDataError', 'GateInputError', 'UsageError'];
  if (known.includes(err.constructor.name)) return err.message;
  return undefined;
}

export class UsageError extends Error {}
