import { afterEach, describe, expect, it } from "vitest";
import { SourceError } from "../../../packages/core/src/sources/source";
import { MissingSecretError, parseRestSourceConfig, parseJsonPath, RestConfigError, RestSource } from "../../../packages/core/src/sources/rest/index";
import type { RestConfigIssue } from "../../../packages/core/src/sources/rest/index";
import { FakeApi } from "../polygon-fake";
import { collect, columns, DAY, subjects } from "./rest-helpers";

/** The issue's example config (issue 10, item 3). */
const example = () => ({
  type: "rest",
  client: {
    base_url: "https://api.example.com/v1/",
    auth: { type: "api_key", name: "X-Api-Key", location: "header", secret: "EXAMPLE_API_KEY" },
    paginator: { type: "json_link", next_url_path: "links.next" },
  },
  endpoint: { path: "events", params: { start: "{from}", end: "{to}", region: "{subject}" }, data_selector: "features" },
  fields: { id: "id", magnitude: "properties.mag", event_time: "properties.time", depth_km: "geometry.coordinates[2]" },
});

/** The issues of a config that must not parse. */
function issuesOf(config: unknown, options: Parameters<typeof parseRestSourceConfig>[1] = {}): RestConfigIssue[] {
  try {
    parseRestSourceConfig(config, options);
  } catch (error) {
    expect(error).toBeInstanceOf(RestConfigError);
    expect(error).toBeInstanceOf(SourceError);
    return [...(error as RestConfigError).issues];
  }
  throw new Error("the config parsed");
}

const pathsOf = (issues: RestConfigIssue[]) => issues.map((issue) => issue.path.join("."));

let fake: FakeApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("REST source config", () => {
  it("parses the issue's example in dlt's names and fills dlt's defaults", () => {
    // Act
    const config = parseRestSourceConfig({ ...example(), client: { base_url: "https://api.example.com/v1/" } });

    // Assess: no paginator is dlt's single page; params default to none; max_pages guards paging.
    expect(config.client.paginator).toEqual({ type: "single_page" });
    expect(config.max_pages).toBe(100);
    expect(parseRestSourceConfig(example()).client.paginator).toEqual({ type: "json_link", next_url_path: "links.next" });
    const offset = parseRestSourceConfig({ ...example(), client: { base_url: "https://x.org", paginator: { type: "offset", limit: 50 } } });
    expect(offset.client.paginator).toEqual({ type: "offset", limit: 50, offset: 0, offset_param: "offset", limit_param: "limit" });
    const cursor = parseRestSourceConfig({ ...example(), client: { base_url: "https://x.org", paginator: { type: "cursor" } } });
    expect(cursor.client.paginator).toEqual({ type: "cursor", cursor_path: "cursors.next", cursor_param: "cursor" });
  });

  it("names client.paginator.type for an unknown paginator", () => {
    const config = example();
    (config.client.paginator as { type: string }).type = "link_header";

    const issues = issuesOf(config);

    expect(issues).toEqual([
      { path: ["client", "paginator", "type"], message: 'unknown type "link_header"; known: single_page, json_link, header_link, page_number, offset, cursor' },
    ]);
  });

  it("names client.base_url when it is missing or not an http(s) URL without query", () => {
    const missing = example() as { client: Partial<ReturnType<typeof example>["client"]> };
    delete missing.client.base_url;
    expect(issuesOf(missing)).toEqual([{ path: ["client", "base_url"], message: expect.stringMatching(/is required/) }]);

    for (const bad of ["api.example.com/v1", "ftp://api.example.com/", "https://api.example.com/?key=1", "https://user:pw@api.example.com/"]) {
      const config = example();
      config.client.base_url = bad;
      expect(pathsOf(issuesOf(config)), bad).toEqual(["client.base_url"]);
    }
  });

  it("names the dataset when a base URL given instead of base_url (--base-url) is not a URL", () => {
    const config = parseRestSourceConfig(example());
    expect(() => new RestSource({ config, secrets: () => "k", baseUrl: "notaurl", dataset: "quakes" })).toThrow(`dataset quakes's REST source: base URL "notaurl" is not a URL`);
  });

  it("names endpoint.path when it is a URL, carries a query or climbs out with ..", () => {
    for (const bad of ["https://evil.example/events", "//evil.example/x", "events?limit=5", "../admin", "a/./b", "", "events/{region}"]) {
      const config = example();
      config.endpoint.path = bad;
      expect(pathsOf(issuesOf(config)), bad).toEqual(["endpoint.path"]);
    }
    const config = example();
    config.endpoint.path = "regions/{subject}/events";
    expect(parseRestSourceConfig(config).endpoint.path).toBe("regions/{subject}/events");
  });

  it("names the param whose placeholder does not exist, and lists the ones that do", () => {
    const config = example();
    (config.endpoint.params as Record<string, string>).end = "{until}";

    const issues = issuesOf(config);

    expect(issues).toEqual([{ path: ["endpoint", "params", "end"], message: "unknown placeholder {until}; known: {from}, {to}, {subject}" }]);
  });

  it("names a malformed data_selector, field path or next_url_path", () => {
    const config = example();
    config.endpoint.data_selector = "features[x]";
    config.fields.depth_km = "geometry..coordinates";
    config.client.paginator.next_url_path = " links.next";

    expect(pathsOf(issuesOf(config)).sort()).toEqual(["client.paginator.next_url_path", "endpoint.data_selector", "fields.depth_km"]);
  });

  it("names a misspelt key instead of ignoring it", () => {
    const config = { ...example(), endpoint: { ...example().endpoint, data_selecter: "features" } };

    const issues = issuesOf(config);

    expect(pathsOf(issues)).toEqual(["endpoint"]);
    expect(issues[0]!.message).toMatch(/data_selecter/);
  });

  it("refuses a secret value where a secret name belongs, a param the paginator or auth sets, and credentials in headers", () => {
    const config = example();
    config.client.auth.secret = "sk-live 1234";
    expect(pathsOf(issuesOf(config))).toEqual(["client.auth.secret"]);

    const paged = { ...example(), client: { base_url: "https://x.org", paginator: { type: "page_number", page_param: "p" } } };
    (paged.endpoint.params as Record<string, string>).p = "1";
    expect(issuesOf(paged)).toEqual([{ path: ["endpoint", "params", "p"], message: '"p" is set by client.paginator.page_param; remove it from endpoint.params' }]);

    const keyed = example();
    keyed.client.auth = { ...keyed.client.auth, location: "query", name: "region" };
    expect(pathsOf(issuesOf(keyed))).toEqual(["endpoint.params.region"]);

    const headed = { ...example(), client: { ...example().client, headers: { "User-Agent": "sluice", authorization: "Bearer abc" } } };
    expect(pathsOf(issuesOf(headed))).toEqual(["client.headers.authorization"]);
  });

  it("names fields that reuse the subject column, a time column that is no field, and columnar beside data_selector", () => {
    const config = { ...example(), time: { column: "when", format: "epoch_ms" }, columnar: "hourly" };
    (config.fields as Record<string, string>).subject = "properties.place";

    expect(pathsOf(issuesOf(config)).sort()).toEqual(["columnar", "fields.subject", "time.column"]);
  });

  it("checks fields against the dataset's schema: a field into no column, a non-nullable column no field fills", () => {
    const schema = columns("id:string", "magnitude:double?", "event_time:timestamp", "region:string", "subject:string");

    const issues = issuesOf(example(), { schema, at: ["datasets", "quakes", "source"] });

    expect(issues).toEqual([
      { path: ["datasets", "quakes", "source", "fields", "depth_km"], message: 'no column "depth_km" in the dataset\'s schema (columns: id, magnitude, event_time, region)' },
      { path: ["datasets", "quakes", "source", "fields"], message: 'the schema\'s non-nullable column "region" has no field mapping it' },
    ]);
  });

  it("reads dotted paths with [n] indexes and a $. root anchor", () => {
    expect(parseJsonPath("geometry.coordinates[2]")).toEqual({ text: "geometry.coordinates[2]", fromRoot: false, steps: [{ key: "geometry" }, { key: "coordinates" }, { index: 2 }] });
    expect(parseJsonPath("[0].results[1][3]")).toMatchObject({ steps: [{ index: 0 }, { key: "results" }, { index: 1 }, { index: 3 }] });
    expect(parseJsonPath("$.latitude")).toMatchObject({ fromRoot: true, steps: [{ key: "latitude" }] });
    for (const bad of ["", "a.", ".a", "a[-1]", "a[1", "a b", "a]"]) expect(typeof parseJsonPath(bad), bad).toBe("string");
  });

  it("fails on an unset secret and on subjects the endpoint cannot tell apart, before any request", async () => {
    // Prepare
    fake = await FakeApi.start(() => ({ body: "[]" }));
    const keyed = parseRestSourceConfig(example());
    const keyless = parseRestSourceConfig({ ...example(), client: { base_url: fake.baseUrl }, endpoint: { path: "events" } });

    // Act / Assess: the secret is looked up by name when the source is built.
    expect(() => new RestSource({ config: keyed, secrets: (name) => (name === "OTHER" ? "x" : undefined) })).toThrow(MissingSecretError);
    expect(() => new RestSource({ config: keyed, secrets: () => undefined })).toThrow(
      "client.auth.secret: secret EXAMPLE_API_KEY is not set (an environment variable locally, an SST Config.Secret on AWS)",
    );
    const source = new RestSource({ config: keyless, secrets: () => undefined });
    await expect(collect(source, subjects("us", "ak"))).rejects.toThrow(/neither endpoint.path nor endpoint.params uses \{subject\}/);
    await expect(collect(source, subjects("us"), { ...DAY, from: "2024-11-26" })).rejects.toThrow(/from \(2024-11-26\) is after to/);
    expect(fake.requests).toHaveLength(0);
  });
});
