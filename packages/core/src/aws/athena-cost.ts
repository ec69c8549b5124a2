/** Athena's price per TB scanned (US East; SQL queries on the provisioned-free engine). */
export const ATHENA_USD_PER_TB = 5;
const MB = 1024 * 1024;
const TB = 1024 * 1024 * MB;

/**
 * Bytes Athena bills for one query: the bytes scanned rounded up to the next megabyte, at least
 * 10 MB. DDL statements (CREATE VIEW, DROP TABLE) and failed queries are not billed: callers leave
 * them out. https://aws.amazon.com/athena/pricing/
 */
export function athenaBilledBytes(bytesScanned: number): number {
  return Math.max(10 * MB, Math.ceil(Math.max(0, bytesScanned) / MB) * MB);
}

/** US dollars one query costs at $5 per TB (binary units), with the 1 MB rounding and 10 MB minimum. */
export function athenaQueryCostUsd(bytesScanned: number): number {
  return (athenaBilledBytes(bytesScanned) / TB) * ATHENA_USD_PER_TB;
}
