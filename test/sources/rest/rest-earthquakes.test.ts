import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { compileRecordValidator } from "../../../packages/core/src/delivery/firehose/schema-validator";
import type { ColumnSpec } from "../../../packages/core/src/pipeline/types";
import { envSecrets, parseRestSourceConfig, RestSource } from "../../../packages/core/src/sources/rest/index";
import { FakeApi } from "../polygon-fake";
import { collect, QUAKES_KEY, quakesReply, subjects } from "./rest-helpers";

const DOC = readFileSync(join(__dirname, "..", "..", "..", "docs", "datasets.md"), "utf8");

/** The JSON block right after `<!-- rest-example:<name> -->` in docs/datasets.md: the docs' example is the test's input. */
function docBlock(name: string): unknown {
  const match = new RegExp(`<!-- rest-example:${name} -->\\s*\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``).exec(DOC);
  if (!match) throw new Error(`docs/datasets.md has no rest-example:${name} block`);
  return JSON.parse(match[1]!);
}

const KEY = QUAKES_KEY;

let fake: FakeApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("the worked example of docs/datasets.md (an earthquake catalogue)", () => {
  it("fetches each region's pages with the key, maps GeoJSON features, and rejects the one without coordinates", async () => {
    // Prepare: "us" has two pages linked by links.next, "ak" one page with a null magnitude and a feature without geometry.
    fake = await FakeApi.start((url, _i, headers) => quakesReply(url, headers));
    const schema = docBlock("schema") as ColumnSpec[];
    const config = parseRestSourceConfig(docBlock("source"), { schema });
    const source = new RestSource({ config, schema, secrets: envSecrets({ QUAKES_API_KEY: KEY }), baseUrl: `${fake.baseUrl}/v1/`, name: "quakes" });

    // Act
    const [us, ak] = await collect(source, subjects("us", "ak"), { from: "2024-11-25", to: "2024-11-26", variables: [] });

    // Assess: the first request is the endpoint with its params filled.
    expect(fake.requests[0]!.url.pathname).toBe("/v1/events");
    expect(Object.fromEntries(fake.requests[0]!.url.searchParams)).toEqual({ format: "geojson", starttime: "2024-11-25", endtime: "2024-11-26", region: "us" });
    const strip = (records: readonly Record<string, unknown>[] | undefined) => records?.map(({ collection_time: _, ...r }) => r);
    expect(strip(us!.records)).toEqual([
      { id: "us1", magnitude: 4.6, place: "us1 place", event_time: "2024-11-25T03:14:07.250Z", longitude: -117.5, latitude: 35.7, depth_km: 8.2, subject: "us" },
      { id: "us2", magnitude: 2.1, place: "us2 place", event_time: "2024-11-25T03:44:07.250Z", longitude: -122.8, latitude: 38.8, depth_km: 1.9, subject: "us" },
    ]);
    expect(strip(ak!.records)).toEqual([
      { id: "ak1", magnitude: null, place: null, event_time: "2024-11-25T03:19:07.250Z", longitude: -150.1, latitude: 61.2, depth_km: 35, subject: "ak" },
    ]);
    expect(ak!.rejected!.map((r) => [r.field, r.errorCode])).toEqual([["longitude", "Sluice.RestFieldMissing"]]);
    expect(ak!.rejected![0]!.errorMessage).toMatch(/^required field "longitude" \(path "geometry\.coordinates\[0\]"\) is missing \(no "geometry"\); subject ak, item 1 of page 1/);
    // What the source emits fits the schema the Firehose twin checks.
    const validate = compileRecordValidator(schema);
    expect([...us!.records!, ...ak!.records!].map((r) => validate(r))).toEqual([undefined, undefined, undefined]);
    expect(fake.requests).toHaveLength(3);
  });
});
