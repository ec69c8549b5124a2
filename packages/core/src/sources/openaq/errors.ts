import type { Location } from "../../pipeline/types";
import { SourceError } from "../source";

/** OpenAQ answered 401/403: the X-API-Key is missing, unknown or blocked. */
export class OpenAqKeyRejectedError extends SourceError {
  override readonly name = "OpenAqKeyRejectedError";
  constructor(
    message: string,
    location: Location,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, location, options);
  }
}
