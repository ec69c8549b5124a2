import { z } from "zod";
import type { StockBarRecord } from "../../pipeline/stocks";

/** One hourly bar as Polygon sends it (https://polygon.io/docs/rest/stocks/aggregates/custom-bars). */
export const barSchema = z
  .object({
    /** Start of the aggregate window, Unix ms. */
    t: z.number().int(),
    o: z.number(),
    h: z.number(),
    l: z.number(),
    c: z.number(),
    v: z.number().nonnegative(),
    vw: z.number().optional(),
    n: z.number().int().nonnegative().optional(),
  })
  .passthrough();

/** A Polygon aggregates page: `status` OK/DELAYED on success, `results` omitted when there are none. */
export const aggsResponseSchema = z
  .object({
    ticker: z.string().optional(),
    status: z.string(),
    queryCount: z.number().optional(),
    resultsCount: z.number().int().nonnegative().optional(),
    adjusted: z.boolean().optional(),
    results: z.array(barSchema).optional(),
    request_id: z.string().optional(),
    count: z.number().optional(),
    next_url: z.string().optional(),
    error: z.string().optional(),
    message: z.string().optional(),
  })
  .passthrough();

export type PolygonBar = z.infer<typeof barSchema>;
export type PolygonAggsResponse = z.infer<typeof aggsResponseSchema>;

/**
 * Bars as stock records. `hourly_var` is `high − low` rounded to 6 decimals: prices come with at
 * most 4, and the rounding only removes binary floating-point noise (187.3 − 186.1 = 1.2000000000000171).
 */
export function toStockBarRecords(ticker: string, bars: readonly PolygonBar[], collectionTime: string): StockBarRecord[] {
  return bars.map((bar) => ({
    ticker,
    bar_time: new Date(bar.t).toISOString().slice(0, 19) + "Z",
    open: bar.o,
    high: bar.h,
    low: bar.l,
    close: bar.c,
    volume: bar.v,
    vwap: bar.vw ?? null,
    trades: bar.n ?? null,
    hourly_var: Math.round((bar.h - bar.l) * 1e6) / 1e6,
    collection_time: collectionTime,
    source: "polygon",
  }));
}
