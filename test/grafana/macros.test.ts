import { describe, expect, it } from "vitest";
import { expandGrafanaMacros, GrafanaMacroError } from "../../packages/core/src/query/grafana-macros";

// Expected texts are the cases of grafana/athena-datasource pkg/athena/macros_test.go (range 2021-06-23 00:00–01:00 UTC).
const range = { from: new Date("2021-06-23T00:00:00Z"), to: new Date("2021-06-23T01:00:00Z") };

describe("expandGrafanaMacros (Grafana's Athena data source)", () => {
  it.each([
    ["$__timeFilter(starttime)", "starttime BETWEEN TIMESTAMP '2021-06-23 00:00:00' AND TIMESTAMP '2021-06-23 01:00:00'"],
    ["$__timeFilter(starttime, 'yyyy-MM-dd HH:mm:ss')", "TIMESTAMP starttime BETWEEN TIMESTAMP '2021-06-23 00:00:00' AND TIMESTAMP '2021-06-23 01:00:00'"],
    [
      "$__timeFilter(starttime, 'yyyy-MM-dd''T''HH:mm:ss''+0000')",
      "parse_datetime(starttime,'yyyy-MM-dd''T''HH:mm:ss''+0000') BETWEEN TIMESTAMP '2021-06-23 00:00:00' AND TIMESTAMP '2021-06-23 01:00:00'",
    ],
    ["$__dateFilter(day)", "day BETWEEN date '2021-06-23' AND date '2021-06-23'"],
    ["$__unixEpochFilter(time)", "time BETWEEN 1624406400 AND 1624410000"],
    ["$__timeFrom()", "TIMESTAMP '2021-06-23 00:00:00'"],
    ["$__timeTo()", "TIMESTAMP '2021-06-23 01:00:00'"],
    ["$__rawTimeFrom('yyyy/MM/dd/HH/mm/ss')", "'2021/06/23/00/00/00'"],
    ["$__rawTimeTo('yyyy/MM/dd/HH/mm/ss')", "'2021/06/23/01/00/00'"],
    ["$__rawTimeFrom()", "'2021-06-23 00:00:00'"],
    ["$__parseTime(starttime, 'yyyy-MM-dd HH:mm:ss')", "TIMESTAMP starttime"],
    ["$__timeGroup(starttime, '1m')", "FROM_UNIXTIME(FLOOR(TO_UNIXTIME(starttime)/60)*60)"],
    ["$__timeGroup(starttime, '1m', 'yyyy-MM-dd HH:mm:ss')", "FROM_UNIXTIME(FLOOR(TO_UNIXTIME(TIMESTAMP starttime)/60)*60)"],
    ["$__unixEpochGroup(time, 5m)", "FROM_UNIXTIME(FLOOR(time/300)*300)"],
  ])("expands %s as the plugin does", (sql, expected) => {
    expect(expandGrafanaMacros(sql, range)).toBe(expected);
  });

  it("expands every macro of a query and leaves the rest of the text alone", () => {
    // Act
    const sql = expandGrafanaMacros("SELECT $__timeGroup(t, '1h') AS time, avg(v) FROM x WHERE $__timeFilter(t) AND k = '$__not_a_macro' GROUP BY 1", range);

    // Assess
    expect(sql).toBe(
      "SELECT FROM_UNIXTIME(FLOOR(TO_UNIXTIME(t)/3600)*3600) AS time, avg(v) FROM x WHERE t BETWEEN TIMESTAMP '2021-06-23 00:00:00' AND TIMESTAMP '2021-06-23 01:00:00' AND k = '$__not_a_macro' GROUP BY 1",
    );
  });

  it("substitutes Grafana's $__interval inside a macro when the interval is known", () => {
    expect(expandGrafanaMacros("$__timeGroup(t, $__interval)", { ...range, intervalMs: 3_600_000 })).toBe("FROM_UNIXTIME(FLOOR(TO_UNIXTIME(t)/3600)*3600)");
    expect(() => expandGrafanaMacros("$__interval_ms", range)).toThrow(/needs intervalMs/);
  });

  it("names an unknown macro and lists the known ones", () => {
    expect(() => expandGrafanaMacros("SELECT $__timeFilterr(t)", range)).toThrow(GrafanaMacroError);
    expect(() => expandGrafanaMacros("SELECT $__timeFilterr(t)", range)).toThrow(/\$__timeFilterr: unknown macro; the Athena data source defines \$__timeFilter, .*\$__timeGroup/);
  });

  it("refuses wrong argument counts and intervals it cannot parse", () => {
    expect(() => expandGrafanaMacros("$__timeGroup(t)", range)).toThrow(/\$__timeGroup: expected 2 to 3 argument\(s\), received 1/);
    expect(() => expandGrafanaMacros("$__timeGroup(t, 'hourly')", range)).toThrow(/cannot parse interval 'hourly'/);
    expect(() => expandGrafanaMacros("$__timeFilter(t", range)).toThrow(/missing closing parenthesis/);
  });
});
