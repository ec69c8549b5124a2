import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../net";

/**
 * The README walk (issue 14): every shell command in README.md, then in the docs the README links
 * to (in the order it links them), run in order as a new user would, in a fresh folder, with
 * `sluice` on the PATH the way the README says (`npm link`, into a private npm prefix).
 *
 * What the walk changes, and only that: `/tmp/l` becomes a folder of the walk's own; a server's
 * port becomes a free one (and `URL=` lines point at it); `TOKEN=…` is the walk's token; `<etag>`
 * and `<id>` are what the previous answers gave; `npm install && …` skips the install (this runs
 * inside it). curl runs with `--fail-with-body`, so an HTTP error fails its command. A command
 * that needs AWS, a deployed stack, an API key or Grafana is listed below with why it is not run:
 * any other command must exit 0, and a new command no rule knows is run like the rest.
 */

const ROOT = join(__dirname, "..", "..");
const TOKEN = "readme-walk-token-0123456789";

interface Command {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

interface Rule {
  readonly match: RegExp;
  readonly skip: string;
}

const NOT_RUN: Rule[] = [
  { match: /^npm install && npm test\b/, skip: "the tests themselves: this walk runs inside them" },
  { match: /^npx vitest run test\/infra\b/, skip: "part of the tests this walk runs inside" },
  { match: /^(SST_TELEMETRY_DISABLED=1 )?npx sst (dev|deploy|remove|secrets)\b/, skip: "deploys to or changes an AWS account (none here); npm run synth builds the same stacks offline" },
  { match: /^npm run (deploy|dev|remove) -- --stage \w/, skip: "deploys to or removes from an AWS account (none here); test/scripts/sst.test.ts runs it with --dry-run" },
  { match: /^aws /, skip: "the AWS CLI against a deployed stack" },
  { match: /^API=<ApiUrl>/, skip: "the deployed API's address" },
  { match: /\$API\//, skip: "the deployed API on AWS" },
  { match: /^grafana-cli /, skip: "a Grafana server" },
  { match: /^POLYGON_API_KEY=… /, skip: "Polygon's API: a key and the internet" },
];

/** The shell commands of one markdown file: fenced sh blocks, `\` continuations joined. */
export function shellCommands(file: string, markdown: string): Command[] {
  const commands: Command[] = [];
  const lines = markdown.split("\n");
  let inBlock = false;
  let pending: { line: number; text: string } | undefined;
  for (const [index, raw] of lines.entries()) {
    const fence = /^```(\w*)/.exec(raw);
    if (fence) {
      inBlock = !inBlock && ["sh", "bash", "shell"].includes(fence[1]!);
      continue;
    }
    if (!inBlock || (raw.trim() === "" && !pending)) continue;
    const text = pending ? `${pending.text} ${raw.trim()}` : raw.trim();
    const line = pending?.line ?? index + 1;
    if (text.endsWith("\\")) pending = { line, text: text.slice(0, -1).trimEnd() };
    else {
      pending = undefined;
      commands.push({ file, line, text });
    }
  }
  return commands;
}

/** README.md, then each `docs/*.md` it links to, in the order of its first link. */
async function walkOrder(): Promise<string[]> {
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  const docs = [...readme.matchAll(/\]\((docs\/[\w-]+\.md)\)/g)].map((m) => m[1]!);
  return ["README.md", ...new Set(docs)];
}

interface Outcome {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

describe("the README walk: the commands of README.md and docs/*.md, in order, as written", () => {
  let walk: string;
  let env: NodeJS.ProcessEnv;
  const servers: ChildProcess[] = [];
  const vars: Record<string, string> = {};
  let lastRunId: string | undefined;
  let serverUrl: string | undefined;

  beforeAll(async () => {
    walk = await mkdtemp(join(tmpdir(), "sluice-readme-walk-"));
    // curl reads $HOME/.curlrc: an HTTP error status fails the command that asked for it.
    await writeFile(join(walk, ".curlrc"), "fail-with-body\nmax-time = 60\n");
    env = { ...process.env, HOME: walk, SLUICE_API_TOKEN: TOKEN, npm_config_prefix: join(walk, "npm-global"), NO_COLOR: "1" };
    delete env.SLUICE_LOG_LEVEL;
    delete env.SLUICE_DEV;
    env.PATH = `${join(walk, "npm-global", "bin")}:${env.PATH ?? ""}`;
  });

  afterAll(async () => {
    const exited = servers.map((server) => new Promise((resolve) => (server.exitCode === null ? server.once("exit", resolve) : resolve(null))));
    for (const server of servers) if (server.exitCode === null) process.kill(-server.pid!, "SIGTERM");
    await Promise.all(exited);
    await rm(walk, { recursive: true, force: true });
  });

  /** One command in bash (`-e -o pipefail`: each part of a `;` list must succeed). */
  function sh(text: string, cwd = walk): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      const child = spawn("bash", ["-e", "-o", "pipefail", "-c", text], { cwd, env: { ...env, ...vars }, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, out, err }));
    });
  }

  /** A command that serves until the walk ends; resolves once `url` answers /health. */
  async function startServer(text: string, url: string, cwd = walk): Promise<void> {
    // Its own process group: npm start's children (projen, sluice) stop with it.
    const child = spawn("bash", ["-c", `exec ${text}`], { cwd, env: { ...env, ...vars }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    servers.push(child);
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`\`${text}\` exited ${child.exitCode}:\n${output}`);
      const health = await fetch(`${url}/health`).catch(() => undefined);
      if (health?.ok) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`\`${text}\` did not answer on ${url} within 120 s:\n${output}`);
  }

  /** Waits for a run (`runs/<id>`) or a back-fill (`backfills/<id>`) started by a POST to end, polling it as a user would. */
  async function awaitEnd(path: string): Promise<void> {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const record = (await (await fetch(`${serverUrl}/${path}`)).json().catch(() => ({}))) as { status?: string };
      if (record.status && record.status !== "running") return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${path} did not end within 120 s`);
  }

  /** Runs one command of the docs; returns why it was not run, or undefined. */
  async function walkOne(command: Command): Promise<string | undefined> {
    const rule = NOT_RUN.find((r) => r.match.test(command.text));
    if (rule) return rule.skip;
    let text = command.text.replaceAll("/tmp/l ", `${join(walk, "l")} `).replace(/\/tmp\/l$/, join(walk, "l"));

    if (/^npm install && npm start\b/.test(text) || /^npm start\b/.test(text)) {
      // README: `npm start -- --port 8080` serves elsewhere; the walk's lake keeps the checkout clean.
      const port = await freePort();
      await startServer(`npm start -- --port ${port} --lake ${join(walk, "npm-start-lake")}`, `http://127.0.0.1:${port}`, ROOT);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status, `${command.file}:${command.line} dashboard`).toBe(200);
      return undefined;
    }
    if (/^npm link\b/.test(text)) {
      const outcome = await sh(text, ROOT);
      expect(outcome, `${command.file}:${command.line} \`${command.text}\``).toMatchObject({ code: 0 });
      return undefined;
    }
    if (/^sluice serve\b/.test(text)) {
      const port = await freePort();
      text = /--port \d+/.test(text) ? text.replace(/--port \d+/, `--port ${port}`) : `${text.replace(/\s+#.*$/, "")} --port ${port}`;
      const url = `http://127.0.0.1:${port}`;
      serverUrl ??= url;
      await startServer(text, url);
      return undefined;
    }
    const assignment = /^((?:[A-Z_]+=\S+\s*)+)(?:#.*)?$/.exec(text);
    if (assignment) {
      for (const [, name, value] of assignment[1]!.matchAll(/([A-Z_]+)=(\S+)/g)) {
        vars[name!] = name === "TOKEN" ? TOKEN : /^https?:\/\/127\.0\.0\.1:\d+$/.test(value!) ? serverUrl! : value!;
      }
      return undefined;
    }
    if (text.includes("<etag>")) {
      const url = /"\$URL([^"]+)"/.exec(text)?.[1];
      const etag = (await fetch(`${serverUrl}${url}`)).headers.get("etag");
      expect(etag, `${command.file}:${command.line}: the answer an If-None-Match example needs has an ETag`).toBeTruthy();
      text = text.replace('"<etag>"', etag!);
    }
    if (text.includes("<id>")) {
      expect(lastRunId, `${command.file}:${command.line}: <id> comes from an earlier POST /runs`).toBeDefined();
      text = text.replaceAll("<id>", lastRunId!);
    }

    // npm and npx commands are run in the checkout, as a user does; the rest in the walk's folder.
    const outcome = await sh(text, /^(npm|npx) /.test(text) ? ROOT : walk);
    expect(outcome, `${command.file}:${command.line} \`${command.text}\``).toMatchObject({ code: 0 });
    if (/-X POST \$URL\/runs\b/.test(text)) {
      lastRunId = (JSON.parse(outcome.out) as { runId: string }).runId;
      await awaitEnd(`runs/${lastRunId}`);
    }
    if (/-X POST \$URL\/backfills\b/.test(text)) await awaitEnd(`backfills/${(JSON.parse(outcome.out) as { backfillId: string }).backfillId}`);
    if (/-si .*<etag>|If-None-Match/.test(command.text)) expect(outcome.out, `${command.file}:${command.line}`).toMatch(/^HTTP\/1\.1 304/);
    return undefined;
  }

  it("reaches every file of docs/ (a doc the README does not link would be walked by nobody)", async () => {
    const docs = (await readdir(join(ROOT, "docs"))).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`);

    expect(await walkOrder()).toEqual(expect.arrayContaining(docs));
  });

  it("runs every command it can, in order, and each one succeeds", async () => {
    const walked: string[] = [];
    for (const file of await walkOrder()) {
      for (const command of shellCommands(file, await readFile(join(ROOT, file), "utf8"))) {
        const skipped = await walkOne(command);
        walked.push(`${skipped ? "not run" : "ran"}  ${command.file}:${command.line}  ${command.text}${skipped ? `  (${skipped})` : ""}`);
      }
    }
    // The walk reached the README's own examples and the local API examples.
    expect(walked.filter((line) => line.startsWith("ran")).length).toBeGreaterThanOrEqual(15);
    expect(walked.join("\n")).toMatch(/ran {2}README\.md:\d+ {2}sluice query --lake \/tmp\/l/);
    console.log(walked.join("\n"));
  }, 600_000);
});
