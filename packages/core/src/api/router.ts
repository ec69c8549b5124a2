import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env";
import { invalidInputOf } from "./errors";

/** A resource router whose zod validation failures become InvalidInputError (400 with field and reason in app.onError). */
export function newRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw invalidInputOf(result.error, result.target);
    },
  });
}
