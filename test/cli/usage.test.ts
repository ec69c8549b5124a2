import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeLake, runWeek, sluice, tempLake } from "./sluice";

const COMMANDS = ["ingest", "run", "runs", "dq", "query", "tables", "rollback"] as const;

describe("sluice help and usage errors", () => {
  let lake: string;
  beforeAll(async () => {
    lake = await tempLake("usage");
  });
  afterAll(() => removeLake(lake));

  it.each(COMMANDS)("prints help for `sluice %s --help` and exits 0", async (command) => {
    // Act
    const result = await sluice(command, "--help");

    // Assess
    expect(result.code).toBe(0);
    expect(result.out).toMatch(new RegExp(`^Usage: sluice ${command} `));
    expect(result.out).toContain("--lake <dir>");
    expect(result.err).toBe("");
  });

  it.each([
    ["ingest", ["0  success", "1  nothing was delivered", "2  bad arguments", "4  some locations failed or sent records to the error output"]],
    ["run", ["0  success", "1  error", "2  bad arguments", "3  a blocking data-quality rule failed", "5  another run holds the lake"]],
  ])("documents the exit codes `sluice %s` returns in its --help", async (command, codes) => {
    // Act
    const result = await sluice(command, "--help");

    // Assess
    expect(result.out).toContain("Exit codes:");
    for (const code of codes) {
      expect(result.out).toContain(code);
    }
  });

  it("lists the commands in the top-level help", async () => {
    // Act
    const result = await sluice("--help");

    // Assess
    expect(result.code).toBe(0);
    for (const command of COMMANDS) expect(result.out).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
  });

  it.each([
    { what: "a --from that is not a calendar date", args: ["--from", "2024-02-30", "--to", "2024-03-01"], message: /--from must be a calendar date YYYY-MM-DD, got "2024-02-30"/ },
    { what: "a --to before --from", args: ["--from", "2024-11-30", "--to", "2024-11-24"], message: /--from 2024-11-30 is after --to 2024-11-24/ },
    { what: "a missing --from", args: ["--to", "2024-11-24"], message: /--from YYYY-MM-DD is required/ },
    { what: "an unknown city", args: ["--from", "2024-11-24", "--to", "2024-11-24", "--locations", "Paris,Atlantis"], message: /Atlantis/ },
    { what: "a malformed custom location", args: ["--from", "2024-11-24", "--to", "2024-11-24", "--location", "Nowhere=200,0"], message: /Nowhere/ },
    { what: "an empty --locations", args: ["--from", "2024-11-24", "--to", "2024-11-24", "--locations", ""], message: /no locations/ },
    { what: "an unknown --source", args: ["--source", "nope", "--from", "2024-11-24", "--to", "2024-11-24"], message: /argument 'nope' is invalid\. Allowed choices are open-meteo, synthetic/ },
    { what: "a variable the synthetic source does not model", args: ["--from", "2024-11-24", "--to", "2024-11-24", "--variables", "temperature_2m,moon_phase"], message: /moon_phase/ },
  ])("exits 2 from `sluice run` on $what, naming the bad input, and writes nothing", async ({ args, message }) => {
    // Act
    const result = await sluice("run", "--lake", lake, ...args);

    // Assess
    expect(result.code, result.out + result.err).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.out).toBe("");
    expect((await sluice("runs", "--lake", lake)).out).toBe("no runs yet\n");
  });

  it("exits 2 from `sluice ingest` on an unknown city", async () => {
    // Act
    const result = await sluice("ingest", "--lake", lake, "--from", "2024-11-24", "--to", "2024-11-24", "--locations", "Atlantis");

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/Atlantis/);
  });

  it.each(["not-a-run", "r20261123t121600z-ZZZZ", "../../etc/passwd"])("exits 2 from `sluice dq %s` (invalid run id)", async (id) => {
    // Act
    const result = await sluice("dq", id, "--lake", lake);

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toContain(`invalid run id "${id}"`);
  });

  it("exits 2 from `sluice dq` for a well-formed id of a run that does not exist", async () => {
    // Act
    const result = await sluice("dq", "r20261123t121600z-1a2b", "--lake", lake);

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/run r20261123t121600z-1a2b has no DQ report/);
  });

  it("exits 2 from `sluice query` with a function Athena does not have, naming it", async () => {
    // Act
    const result = await sluice("query", "--lake", lake, "SELECT strftime(now(), '%Y') AS y");

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/unsupported Athena function "strftime"/);
  });

  it("exits 2 from `sluice query` on a statement, a syntax error and an unknown table", async () => {
    // Act
    const statement = await sluice("query", "--lake", lake, "DROP TABLE weather_prod");
    const syntax = await sluice("query", "--lake", lake, "SELECT FROM WHERE");
    const unknown = await sluice("query", "--lake", lake, "SELECT * FROM no_such_table");

    // Assess
    expect([statement.code, syntax.code, unknown.code]).toEqual([2, 2, 2]);
    expect(statement.err).toMatch(/only SELECT and WITH queries/);
    expect(unknown.err).toMatch(/TABLE_NOT_FOUND: Table 'awsdatacatalog\.sluice\.no_such_table' does not exist/);
    expect(unknown.err).not.toMatch(/Did you mean/);
  });

  it("says an unknown column as Athena does (COLUMN_NOT_FOUND), with no DuckDB internals", async () => {
    const own = await tempLake("usage-column");
    try {
      await runWeek(own);
      const result = await sluice("query", "--lake", own, "SELECT no_such_column FROM weather_prod");
      expect(result.code).toBe(2);
      expect(result.err).toMatch(/COLUMN_NOT_FOUND: Column 'no_such_column' cannot be resolved/);
    } finally {
      await removeLake(own);
    }
  });

  it("exits 2 from `sluice rollback` when no older version is kept", async () => {
    // Act
    const result = await sluice("rollback", "--lake", lake);

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toContain("no version older than (none) that was production is kept; kept: none");
  });

  it("exits 2 on an unknown command or option", async () => {
    // Act
    const command = await sluice("launch");
    const option = await sluice("runs", "--lake", lake, "--colour");

    // Assess
    expect(command.code).toBe(2);
    expect(command.err).toMatch(/unknown command 'launch'/);
    expect(option.code).toBe(2);
    expect(option.err).toMatch(/unknown option '--colour'/);
  });
});

describe("CLI tables and help", () => {
  it("cuts a long cell at 120 characters with an ellipsis", async () => {
    const { textTable, MAX_CELL } = await import("../../packages/cli/src/format");
    const long = "x".repeat(700);

    const [, , row] = textTable(["note"], [{ note: long }]).split("\n");

    expect(MAX_CELL).toBe(120);
    expect(row).toBe("x".repeat(119) + "…");
  });

  it("lists in ingest --help only the exit codes ingest returns", async () => {
    const { sluice } = await import("./sluice");
    const help = (await sluice("ingest", "--help")).out;

    expect(help).toMatch(/^  4  some locations failed/m);
    expect(help).not.toMatch(/^  3  /m);
    expect(help).not.toMatch(/^  5  /m);
  });
});
