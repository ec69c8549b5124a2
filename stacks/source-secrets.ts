/**
 * The API-key secrets (SST `Config.Secret` names) each dataset's real source needs; a dataset not
 * listed needs none. The names are runtime/aws.ts's SST_BINDINGS (the infra tests check they agree):
 * the stacks do not import the runtime, which pulls in the AWS SDK.
 */
export const DATASET_SECRETS: Readonly<Record<string, readonly string[]>> = {
  stocks: ["POLYGON_API_KEY"],
  air_quality: ["OPENAQ_API_KEY"],
};

/** Every source secret, once. */
export function sourceSecretNames(): string[] {
  return [...new Set(Object.values(DATASET_SECRETS).flat())];
}
