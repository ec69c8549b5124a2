import type { Logger } from "../log/logger";

/** The one Hono environment of the API: what middleware puts on the context for handlers. */
export interface AppEnv {
  Variables: {
    /** Echoed in `X-Request-Id`, every log line and every error body. */
    requestId: string;
    /** The deps' logger with the request id bound. */
    log: Logger;
  };
}
