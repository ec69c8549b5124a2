import type { Location } from "../../pipeline/types";
import { SourceError } from "../source";

/** Polygon answered 401/403: the key is unknown, or not entitled to this ticker or range. */
export class PolygonKeyRejectedError extends SourceError {
  override readonly name = "PolygonKeyRejectedError";
  constructor(
    message: string,
    location: Location,
    /** 401 (unknown key) or 403 (not entitled). */
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, location, options);
  }
}
