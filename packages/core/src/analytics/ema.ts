import { ident } from "../transform/athena-sql";
import { doubleLiteral } from "./view";

/** Smoothing factor of an N-period EMA: α = 2 / (N + 1). */
export function emaAlpha(period: number): number {
  return 2 / (period + 1);
}

/**
 * Bars an EMA reaches back: older bars carry a total weight (1 − α)^(K+1) ≤ 1e-20 of the value,
 * far below the 2^-52 resolution of a DOUBLE, so dropping them changes no digit that matters.
 */
export function emaLookback(period: number): number {
  return Math.ceil(Math.log(1e-20) / Math.log(1 - emaAlpha(period)));
}

/**
 * A CTE computing an N-period EMA of `value` per `key`, over rows numbered `i` = 0, 1, … in time
 * order. Convention: initialised with the first value (EMA_0 = x_0, then EMA_t = α·x_t +
 * (1 − α)·EMA_(t−1)), i.e. pandas' `ewm(span=N, adjust=False)`. SQL has no recursion over rows,
 * so the recursion is unrolled into its closed form, an explicit weighted sum over earlier rows:
 * EMA_t = (1 − α)^t·x_0 + Σ_{i=1..t} α(1 − α)^(t−i)·x_i, limited to the last `emaLookback` rows.
 * A self-join (not a scaled running sum) keeps every power ≤ 1, so nothing overflows on long series.
 */
export function emaCte(name: string, source: string, key: string, value: string, period: number): string {
  const alpha = doubleLiteral(emaAlpha(period));
  const [k, i, v] = [ident(key), ident("i"), ident(value)];
  return [
    `${ident(name)} AS (`,
    `  SELECT cur.${k}, cur.${i}, sum(prev.${v} * CASE WHEN prev.${i} = 0 THEN power(1 - ${alpha}, cur.${i}) ELSE ${alpha} * power(1 - ${alpha}, cur.${i} - prev.${i}) END) AS ${ident("ema")}`,
    `  FROM ${ident(source)} cur`,
    `  JOIN ${ident(source)} prev ON prev.${k} = cur.${k} AND prev.${i} BETWEEN cur.${i} - ${emaLookback(period)} AND cur.${i}`,
    `  GROUP BY cur.${k}, cur.${i}`,
    `)`,
  ].join("\n");
}
