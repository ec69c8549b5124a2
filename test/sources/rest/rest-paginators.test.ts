import { afterEach, describe, expect, it } from "vitest";
import { RestPageError, RestPagingError } from "../../../packages/core/src/sources/rest/index";
import type { RestSourceConfigInput } from "../../../packages/core/src/sources/rest/index";
import { FakeApi } from "../polygon-fake";
import { collect, restSource, subjects } from "./rest-helpers";

let fake: FakeApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Items 0..n-1 of the fake API, `{ n }` each. */
const items = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => ({ n: from + i }));

/** A config for `items` on the fake, with the given paginator. */
function config(paginator: NonNullable<RestSourceConfigInput["client"]["paginator"]>, dataSelector = "data"): RestSourceConfigInput {
  return {
    type: "rest",
    client: { base_url: `${fake!.baseUrl}/api/`, paginator },
    endpoint: { path: "items", params: { since: "{from}" }, data_selector: dataSelector },
    fields: { n: "n" },
  };
}

const ns = (outcome: { records?: readonly Record<string, unknown>[] }) => outcome.records?.map((r) => r.n);
const queries = () => fake!.requests.map((r) => r.url.pathname + r.url.search);

describe("REST paginators against a real server", () => {
  it("single_page: one request, the endpoint's URL with its params", async () => {
    fake = await FakeApi.start(() => ({ body: JSON.stringify({ data: items(0, 3) }) }));
    const { source } = restSource(config({ type: "single_page" }));

    const [outcome] = await collect(source, subjects("s"));

    expect(ns(outcome!)).toEqual([0, 1, 2]);
    expect(queries()).toEqual(["/api/items?since=2024-11-25"]);
  });

  it("json_link: follows next_url_path (relative or absolute) until it is null", async () => {
    fake = await FakeApi.start((url) => {
      const page = Number(url.searchParams.get("p") ?? "1");
      const next = page === 1 ? "/api/items?p=2" : page === 2 ? `${fake!.baseUrl}/api/items?p=3` : null;
      return { body: JSON.stringify({ data: items((page - 1) * 2, page * 2), links: { next } }) };
    });
    const { source } = restSource(config({ type: "json_link", next_url_path: "links.next" }));

    const [outcome] = await collect(source, subjects("s"));

    expect(ns(outcome!)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(queries()).toEqual(["/api/items?since=2024-11-25", "/api/items?p=2", "/api/items?p=3"]);
  });

  it("header_link: follows the RFC 8288 Link rel=next among other relations", async () => {
    fake = await FakeApi.start((url) => {
      const page = Number(url.searchParams.get("page") ?? "1");
      const link =
        page === 1 ? `<${fake!.baseUrl}/api/items?page=2>; rel="next", <${fake!.baseUrl}/api/items?page=3>; rel="last"`
        : page === 2 ? `</api/items?page=1>; rel="prev first", </api/items?page=3>; rel="next last"`
        : `</api/items?page=2>; rel="prev"`;
      return { body: JSON.stringify({ data: items(page * 10, page * 10 + 1) }), headers: { link } };
    });
    const { source } = restSource(config({ type: "header_link" }));

    const [outcome] = await collect(source, subjects("s"));

    expect(ns(outcome!)).toEqual([10, 20, 30]);
    expect(queries()).toEqual(["/api/items?since=2024-11-25", "/api/items?page=2", "/api/items?page=3"]);
  });

  it("header_link: reads rel among quoted parameters holding commas and semicolons", async () => {
    fake = await FakeApi.start((url) => {
      const page = Number(url.searchParams.get("page") ?? "1");
      // RFC 8288 §3: a parameter's value may be a quoted-string; commas there do not end the link-value.
      const link =
        page === 1 ? `</api/items?page=0>; title="first, oldest; page"; rel="first", </api/items?page=2>; title="Next, please"; rel="next"`
        : `</api/items?page=1>; title*=UTF-8''prev; rel=prev, </api/items?page=9>; title="a \\"quoted, rel=\\"next\\" title"; rel="last"`;
      return { body: JSON.stringify({ data: items(page, page + 1) }), headers: { link } };
    });
    const { source } = restSource(config({ type: "header_link" }));

    const [outcome] = await collect(source, subjects("s"));

    expect(ns(outcome!)).toEqual([1, 2]);
    expect(queries()).toEqual(["/api/items?since=2024-11-25", "/api/items?page=2"]);
  });

  it("page_number: counts from base_page and stops on an empty page", async () => {
    fake = await FakeApi.start((url) => {
      const page = Number(url.searchParams.get("page"));
      return { body: JSON.stringify({ data: page <= 2 ? items(page * 2, page * 2 + 2) : [] }) };
    });
    const { source } = restSource(config({ type: "page_number", base_page: 1 }));

    const [outcome] = await collect(source, subjects("s"));

    expect(ns(outcome!)).toEqual([2, 3, 4, 5]);
    expect(fake.requests.map((r) => r.url.searchParams.get("page"))).toEqual(["1", "2", "3"]);
  });

  it("page_number: stops at total_path pages without asking for one more", async () => {
    fake = await FakeApi.start((url) => {
      const page = Number(url.searchParams.get("pg"));
      return { body: JSON.stringify({ data: items(page, page + 1), meta: { pages: "3" } }) };
    });
    const { source } = restSource(config({ type: "page_number", page_param: "pg", total_path: "meta.pages" }));

    const [outcome] = await collect(source, subjects("s"));

    // base_page defaults to 0 (dlt's default): pages 0, 1, 2 are the three pages.
    expect(ns(outcome!)).toEqual([0, 1, 2]);
    expect(fake.requests.map((r) => r.url.searchParams.get("pg"))).toEqual(["0", "1", "2"]);
  });

  it("offset: moves by limit and stops at total_path items", async () => {
    fake = await FakeApi.start((url) => {
      const offset = Number(url.searchParams.get("skip"));
      const limit = Number(url.searchParams.get("take"));
      return { body: JSON.stringify({ results: items(offset, Math.min(offset + limit, 7)), total: 7 }) };
    });
    const { source } = restSource(config({ type: "offset", limit: 3, offset_param: "skip", limit_param: "take", total_path: "total" }, "results"));

    const [outcome] = await collect(source, subjects("s"));

    expect(ns(outcome!)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(fake.requests.map((r) => `${r.url.searchParams.get("skip")}+${r.url.searchParams.get("take")}`)).toEqual(["0+3", "3+3", "6+3"]);
  });

  it("offset: moves by the items a page held when the server caps the page below limit", async () => {
    // A server returning at most 2 items whatever limit asks: moving by limit (dlt) would skip items.
    fake = await FakeApi.start((url) => {
      const offset = Number(url.searchParams.get("offset"));
      return { body: JSON.stringify({ data: items(offset, Math.min(offset + 2, 7)), total: 7 }) };
    });
    const { source } = restSource(config({ type: "offset", limit: 5, total_path: "total" }));

    const [outcome] = await collect(source, subjects("s"));

    expect(ns(outcome!)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(fake.requests.map((r) => r.url.searchParams.get("offset"))).toEqual(["0", "2", "4", "6"]);
  });

  it("offset: without total_path, an empty page ends the walk", async () => {
    fake = await FakeApi.start((url) => {
      const offset = Number(url.searchParams.get("offset"));
      return { body: JSON.stringify({ data: items(offset, Math.min(offset + 2, 5)) }) };
    });
    const { source } = restSource(config({ type: "offset", limit: 2, offset: 1 }));

    const [outcome] = await collect(source, subjects("s"));

    expect(ns(outcome!)).toEqual([1, 2, 3, 4]);
    expect(fake.requests.map((r) => r.url.searchParams.get("offset"))).toEqual(["1", "3", "5"]);
  });

  it("cursor: sends cursor_path back as cursor_param until the cursor is gone", async () => {
    const cursors: Record<string, string | undefined> = { "": "c2", c2: "c3", c3: undefined };
    fake = await FakeApi.start((url) => {
      const cursor = url.searchParams.get("after") ?? "";
      return { body: JSON.stringify({ data: [{ n: cursor || "c1" }], paging: { next: cursors[cursor] ?? null } }) };
    });
    const { source } = restSource(config({ type: "cursor", cursor_path: "paging.next", cursor_param: "after" }));

    const [outcome] = await collect(source, subjects("s"));

    expect(ns(outcome!)).toEqual(["c1", "c2", "c3"]);
    expect(fake.requests.map((r) => r.url.searchParams.get("after"))).toEqual([null, "c2", "c3"]);
    // The endpoint's own params stay on every page.
    expect(fake.requests.every((r) => r.url.searchParams.get("since") === "2024-11-25")).toBe(true);
  });

  it("stops after max_pages with an error naming the guard and the next URL, keeping what was rejected", async () => {
    fake = await FakeApi.start((url) => ({ body: JSON.stringify({ data: items(0, 1), next: `/api/items?p=${Number(url.searchParams.get("p") ?? 1) + 1}` }) }));
    const { source } = restSource({ ...config({ type: "json_link" }), max_pages: 3 });

    const [outcome] = await collect(source, subjects("s"));

    expect(outcome!.error).toBeInstanceOf(RestPagingError);
    expect(outcome!.error!.message).toBe(`paging of subject s did not end after 3 page(s) (max_pages 3; the next would be GET ${fake.baseUrl}/api/items?p=4)`);
    expect(fake.requests).toHaveLength(3);
  });

  it("refuses a next link that loops back or leaves the API's origin", async () => {
    fake = await FakeApi.start(() => ({ body: JSON.stringify({ data: [{ n: 1 }], next: "/api/items?p=2" }) }));
    const looping = restSource(config({ type: "json_link" })).source;
    const [loop] = await collect(looping, subjects("s"));
    expect(loop!.error).toBeInstanceOf(RestPagingError);
    expect(loop!.error!.message).toMatch(/loops: page 2 points back to GET http:\/\/127\.0\.0\.1:\d+\/api\/items\?p=2, already fetched/);

    await fake.close();
    fake = await FakeApi.start(() => ({ body: JSON.stringify({ data: [{ n: 1 }], next: "https://elsewhere.example/api/items?p=2" }) }));
    const leaving = restSource(config({ type: "json_link" })).source;
    const [away] = await collect(leaving, subjects("s"));
    expect(away!.error).toBeInstanceOf(RestPageError);
    expect(away!.error!.message).toMatch(/the link at "next" points to another origin \(https:\/\/elsewhere\.example\); not followed/);
    expect(fake.requests).toHaveLength(1);
  });

  it("names a total_path the page does not carry", async () => {
    fake = await FakeApi.start(() => ({ body: JSON.stringify({ data: [{ n: 1 }], meta: {} }) }));
    const { source } = restSource(config({ type: "page_number", total_path: "meta.total_pages" }));

    const [outcome] = await collect(source, subjects("s"));

    expect(outcome!.error).toBeInstanceOf(RestPageError);
    expect(outcome!.error!.message).toBe(
      `page 1 of subject s (GET ${fake.baseUrl}/api/items?since=2024-11-25&page=0): total_path "meta.total_pages" is not in the page (missing "meta.total_pages")`,
    );
  });
});
