import { SourceError } from "../sources/source";

/** A real source's API key, or an error naming the secret to set (locally an environment variable). */
export function requiredKey(key: string | undefined, variable: string, dataset: string): string {
  if (!key) throw new SourceError(`the ${dataset} source needs an API key: set ${variable} (an SST secret on AWS), or use --source synthetic`);
  return key;
}
