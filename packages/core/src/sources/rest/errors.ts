import type { Location } from "../../pipeline/types";
import { pathText } from "../http/describe-zod";
import { SourceError } from "../source";

/** One problem of a REST source config: where (zod's issue path) and what. */
export interface RestConfigIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** A REST source config that does not parse; raised before any request, every issue naming its field. */
export class RestConfigError extends SourceError {
  override readonly name = "RestConfigError";
  constructor(readonly issues: readonly RestConfigIssue[]) {
    super(`invalid REST source config: ${issues.map((issue) => `${pathText(issue.path)}: ${issue.message}`).join("; ")}`);
  }
}

/** A secret the config names is not set (no env var locally, no SST secret on AWS). */
export class MissingSecretError extends SourceError {
  override readonly name = "MissingSecretError";
  constructor(
    /** The secret's name, as written in the config. */
    readonly secret: string,
    /** The config field that names it (`client.auth.secret`). */
    readonly field: string,
  ) {
    super(`${field}: secret ${secret} is not set (an environment variable locally, an SST Config.Secret on AWS)`);
  }
}

/** A page that does not hold what the config selects; `url` is the page's URL without credentials. */
export class RestPageError extends SourceError {
  override readonly name = "RestPageError";
  constructor(
    message: string,
    readonly url: string,
    location?: Location,
  ) {
    super(message, location);
  }
}

/** Paging that does not end: more than `max_pages` pages, or a next page already fetched. */
export class RestPagingError extends SourceError {
  override readonly name = "RestPagingError";
  constructor(
    message: string,
    readonly url: string,
    readonly pages: number,
    location?: Location,
  ) {
    super(message, location);
  }
}

/**
 * An HTTP failure of a REST request, its text scrubbed of every secret. It carries no `cause`
 * on purpose: the client's own error holds the raw body and URL, where an API may echo a key.
 */
export class RestRequestError extends SourceError {
  override readonly name = "RestRequestError";
  constructor(
    message: string,
    /** The failing error's class name (HttpStatusError, HttpTimeoutError, RateLimitedError…). */
    readonly kind: string,
    readonly url: string | undefined,
    readonly status: number | undefined,
    location?: Location,
  ) {
    super(message, location);
  }
}
