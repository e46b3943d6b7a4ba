import { ERRORS, type ErrorBody, type ErrorCode } from '../shared/errors';

/** An expected failure with a catalogue code; transports turn it into an ack error or an HTTP status. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string = ERRORS[code].message,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

/** Any thrown value as an error body; unexpected errors never leak their details to clients. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof AppError) return err.toBody();
  return { code: 'INTERNAL', message: ERRORS.INTERNAL.message };
}
