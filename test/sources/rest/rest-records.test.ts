import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { ObjectStoreErrorSink } from "../../../packages/core/src/delivery/error-sink";
import { compileRecordValidator } from "../../../packages/core/src/delivery/firehose/schema-validator";
import { FsObjectStore } from "../../../packages/core/src/lake/fs-object-store";
import { ManualClock } from "../../../packages/core/src/lake/clock";
import { arrivalHourFirehose } from "../../../packages/core/src/pipeline/conventions";
import { envSecrets, normalizeTime, RestPageError } from "../../../packages/core/src/sources/rest/index";
import type { RestSourceConfigInput } from "../../../packages/core/src/sources/rest/index";
import { FakeApi } from "../polygon-fake";
import { collect, columns, NOW, restSource, subjects } from "./rest-helpers";

let fake: FakeApi | undefined;
let dir: string | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const SCHEMA = columns("id:string", "value:double", "note:string?", "at:timestamp", "subject:string", "collection_time:timestamp");

function config(extra: Partial<RestSourceConfigInput> = {}): RestSourceConfigInput {
  return {
    type: "rest",
    client: { base_url: fake!.baseUrl },
    endpoint: { path: "obs", params: { station: "{subject}", day: "{from}" }, data_selector: "result.rows" },
    fields: { id: "id", value: "m.value", note: "m.note", at: "t" },
    time: { column: "at", format: "epoch_s" },
    ...extra,
  };
}

describe("REST pages and records", () => {
  it("maps fields, adds subject and collection_time, normalizes the time column; the records pass the Firehose schema stage", async () => {
    fake = await FakeApi.start(() => ({
      body: JSON.stringify({ result: { rows: [{ id: "a", m: { value: 1.5, note: "ok" }, t: 1732492800 }, { id: "b", m: { value: 2 }, t: "1732496400" }] } }),
    }));
    const { source } = restSource(config(), { schema: SCHEMA });

    const [outcome] = await collect(source, subjects("st-1"));

    expect(outcome!.records).toEqual([
      { id: "a", value: 1.5, note: "ok", at: "2024-11-25T00:00:00Z", subject: "st-1", collection_time: "2024-12-01T10:00:00.000Z" },
      // A nullable column's absent path is null.
      { id: "b", value: 2, note: null, at: "2024-11-25T01:00:00Z", subject: "st-1", collection_time: "2024-12-01T10:00:00.000Z" },
    ]);
    expect(outcome!.rejected).toEqual([]);
    const validate = compileRecordValidator(SCHEMA);
    expect(outcome!.records!.map((r) => validate(r))).toEqual([undefined, undefined]);
    expect(Object.fromEntries(fake.requests[0]!.url.searchParams)).toEqual({ station: "st-1", day: "2024-11-25" });
  });

  it("sends a record missing a required field to the error output with the field named; the others are kept", async () => {
    // Prepare: item 1 lacks m.value, item 2 has value null, item 3 an object where a value belongs, item 4 a bad time.
    fake = await FakeApi.start(() => ({
      body: JSON.stringify({
        result: {
          rows: [
            { id: "a", m: { value: 1 }, t: 1732492800 },
            { id: "b", m: {}, t: 1732492800 },
            { id: "c", m: { value: null }, t: 1732492800 },
            { id: "d", m: { value: { v: 1 } }, t: 1732492800 },
            { id: "e", m: { value: 3 }, t: "yesterday" },
          ],
        },
      }),
    }));
    const { source } = restSource(config(), { schema: SCHEMA });

    // Act
    const [outcome] = await collect(source, subjects("st-1"));

    // Assess
    expect(outcome!.records!.map((r) => r.id)).toEqual(["a"]);
    const page = `GET ${fake.baseUrl}/obs?station=st-1&day=2024-11-25`;
    expect(outcome!.rejected!.map(({ field, errorCode, errorMessage }) => ({ field, errorCode, errorMessage }))).toEqual([
      { field: "value", errorCode: "Sluice.RestFieldMissing", errorMessage: `required field "value" (path "m.value") is missing (no "m.value"); subject st-1, item 1 of page 1 (${page})` },
      { field: "value", errorCode: "Sluice.RestFieldMissing", errorMessage: `required field "value" (path "m.value") is null; subject st-1, item 2 of page 1 (${page})` },
      { field: "value", errorCode: "Sluice.RestFieldNotScalar", errorMessage: `field "value" (path "m.value") is an object, not a value; subject st-1, item 3 of page 1 (${page})` },
      {
        field: "at",
        errorCode: "Sluice.RestTimeInvalid",
        errorMessage: `time field "at": "yesterday" is not a number of seconds since 1970; subject st-1, item 4 of page 1 (${page})`,
      },
    ]);
    expect(JSON.parse(String(outcome!.rejected![0]!.data))).toEqual({ id: "b", m: {}, t: 1732492800 });
  });

  it("writes rejected records as Firehose error documents through the stream's error sink, secrets scrubbed", async () => {
    // Prepare: the API echoes the key inside a record that lacks its value.
    const secret = "tok_ECHOED_123";
    fake = await FakeApi.start(() => ({ body: JSON.stringify({ result: { rows: [{ id: "x", m: {}, t: 1732492800, echo: secret }] } }) }));
    const { source } = restSource({ ...config(), client: { base_url: fake.baseUrl, auth: { type: "bearer", secret: "TOKEN" } } }, { schema: SCHEMA, secrets: envSecrets({ TOKEN: secret }) });
    dir = await mkdtemp(join(tmpdir(), "sluice-rest-"));
    const store = new FsObjectStore(dir);
    const spec = arrivalHourFirehose("quakes", "subject", "subject");
    const sink = new ObjectStoreErrorSink({ spec, store, bucket: "raw", clock: new ManualClock(NOW), uuid: () => "u-1" });

    // Act
    const [outcome] = await collect(source, subjects("st-1"));
    await sink.reject(outcome!.rejected!);

    // Assess: under errors/<dataset>/sluice-client-failed/…, one AWS-shaped document naming the field.
    const [object] = await store.list("raw", "errors/quakes/");
    expect(object!.key).toMatch(/^errors\/quakes\/sluice-client-failed\/year=2024\/month=12\/day=01\/quakes-1-2024-12-01-10-00-00-u-1\.gz$/);
    const doc = JSON.parse(gunzipSync(await store.get("raw", object!.key)).toString("utf8"));
    expect(doc).toMatchObject({ attemptsMade: 0, errorCode: "Sluice.RestFieldMissing", arrivalTimestamp: NOW });
    expect(doc.errorMessage).toMatch(/^required field "value" \(path "m\.value"\) is missing/);
    expect(Buffer.from(doc.rawData, "base64").toString("utf8")).toBe('{"id":"x","m":{},"t":1732492800,"echo":"***"}');
  });

  it("fails the subject on a page without the selected data, naming the page URL and the path", async () => {
    fake = await FakeApi.start((url) => ({ body: url.searchParams.get("station") === "st-1" ? JSON.stringify({ result: { count: 0 } }) : JSON.stringify({ result: null }) }));
    const { source } = restSource(config(), { schema: SCHEMA });

    const [one, two] = await collect(source, subjects("st-1", "st-2"));

    expect(one!.error).toBeInstanceOf(RestPageError);
    expect(one!.error!.message).toBe(`page 1 of subject st-1 (GET ${fake.baseUrl}/obs?station=st-1&day=2024-11-25): no data at data_selector "result.rows" (missing "result.rows")`);
    expect((one!.error as RestPageError).url).toBe(`${fake.baseUrl}/obs?station=st-1&day=2024-11-25`);
    expect(one!.error!.location).toEqual(subjects("st-1")[0]);
    expect(two!.error!.message).toMatch(/no data at data_selector "result\.rows" \(missing "result\.rows"\)$/);
  });

  it("zips Open-Meteo's columnar hourly arrays into records, reading page-level fields with $.", async () => {
    fake = await FakeApi.start(() => ({
      body: JSON.stringify({
        latitude: 48.86,
        longitude: 2.35,
        utc_offset_seconds: 0,
        hourly_units: { time: "iso8601", temperature_2m: "°C" },
        hourly: { time: ["2024-11-25T00:00", "2024-11-25T01:00"], temperature_2m: [5.1, null] },
      }),
    }));
    const { source } = restSource({
      type: "rest",
      client: { base_url: fake.baseUrl },
      endpoint: { path: "v1/forecast", params: { start_date: "{from}", end_date: "{to}", hourly: "temperature_2m", timezone: "GMT" } },
      columnar: "hourly",
      fields: { measurement_time: "time", temperature: "temperature_2m", latitude: "$.latitude" },
      time: { column: "measurement_time", format: "iso8601" },
    });

    const [outcome] = await collect(source, subjects("Paris"));

    expect(outcome!.records!.map(({ collection_time: _, ...r }) => r)).toEqual([
      { measurement_time: "2024-11-25T00:00:00Z", temperature: 5.1, latitude: 48.86, subject: "Paris" },
      { measurement_time: "2024-11-25T01:00:00Z", temperature: null, latitude: 48.86, subject: "Paris" },
    ]);
  });

  it("names the member of a columnar block whose array is not as long as the others", async () => {
    fake = await FakeApi.start(() => ({ body: JSON.stringify({ hourly: { time: ["2024-11-25T00:00", "2024-11-25T01:00"], temperature_2m: [5.1] } }) }));
    const { source } = restSource({ type: "rest", client: { base_url: fake.baseUrl }, endpoint: { path: "f" }, columnar: "hourly", fields: { t: "time" } });

    const [outcome] = await collect(source, subjects("Paris"));

    expect(outcome!.error!.message).toMatch(/columnar "hourly": "temperature_2m" has 1 values but "time" has 2; parallel arrays must be as long$/);
  });

  it("normalizes ISO-8601 (no offset read as UTC), epoch seconds and epoch milliseconds to the pipeline's form", () => {
    expect(normalizeTime("2024-11-25T13:00", "iso8601")).toBe("2024-11-25T13:00:00Z");
    expect(normalizeTime("2024-11-25 13:00:05.250", "iso8601")).toBe("2024-11-25T13:00:05.250Z");
    expect(normalizeTime("2024-11-25T15:00:00+02:00", "iso8601")).toBe("2024-11-25T13:00:00Z");
    expect(normalizeTime("2024-11-25", "iso8601")).toBe("2024-11-25T00:00:00Z");
    expect(normalizeTime(1732539600, "epoch_s")).toBe("2024-11-25T13:00:00Z");
    expect(normalizeTime(1732539600123, "epoch_ms")).toBe("2024-11-25T13:00:00.123Z");
    expect(normalizeTime("1732539600123", "epoch_ms")).toBe("2024-11-25T13:00:00.123Z");
    expect(normalizeTime("2024-02-30T00:00Z", "iso8601")).toEqual({ problem: '"2024-02-30T00:00Z" is not a valid date or time of day' });
    expect(normalizeTime("2024-11-25T24:00", "iso8601")).toEqual({ problem: '"2024-11-25T24:00" is not a valid date or time of day' });
    expect(normalizeTime("2024-11-25T15:00:00+0200", "iso8601")).toBe("2024-11-25T13:00:00Z");
    expect(normalizeTime("25/11/2024", "iso8601")).toEqual({ problem: '"25/11/2024" is not an ISO-8601 date or date-time' });
    expect(normalizeTime(1732539600123, "epoch_s")).toEqual({ problem: "1732539600123 is not a time between years 1000 and 9999 (epoch_s)" });
    expect(normalizeTime(true, "epoch_ms")).toEqual({ problem: "true is not a number of milliseconds since 1970" });
  });
});
