import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunInProgressError } from "../../packages/core/src/run/run-lock";
import { FsRunLock, processStartTime } from "../../packages/core/src/twin/fs-run-lock";

const CHILD = join(import.meta.dirname, "fixtures", "lock-race-child.ts");
const CONTENDERS = 4;
const TRIALS = 30;

/** A contender process and a way to send it a command and await its one-line answer. */
interface Contender {
  readonly child: ChildProcess;
  ask(command: object): Promise<Record<string, unknown>>;
}

function startContender(name: string): Contender {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, name], { stdio: ["pipe", "pipe", "inherit"] });
  const answers: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => answers.shift()?.(line));
  return {
    child,
    ask: (command) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`contender ${name} did not answer ${JSON.stringify(command)}`)), 15_000);
        answers.push((line) => {
          clearTimeout(timer);
          resolve(JSON.parse(line) as Record<string, unknown>);
        });
        child.stdin!.write(JSON.stringify(command) + "\n");
      }),
  };
}

/** The pid of a process that has exited: a lock naming it has a dead holder. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid!;
}

async function plant(path: string, holder: object): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(holder));
}

async function bootId(): Promise<string> {
  return (await readFile("/proc/sys/kernel/random/boot_id", "utf8")).trim();
}

describe("FsRunLock under races and pid reuse", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "sluice-lock-race-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it(`lets exactly one of ${CONTENDERS} real processes take over the same stale lock, ${TRIALS} trials out of ${TRIALS}`, { timeout: 60_000 }, async () => {
    // Prepare: the contender processes, started once and warmed up (tsx compiled, modules loaded)
    const contenders = Array.from({ length: CONTENDERS }, (_, i) => startContender(`c${i}`));
    try {
      const warm = join(root, "warm", "run.lock");
      await Promise.all(contenders.map((c) => c.ask({ trial: -1, lock: warm, at: 0 })));
      await Promise.all(contenders.map((c) => c.ask({ release: -1 })));
      const winners: number[] = [];
      for (let trial = 0; trial < TRIALS; trial++) {
        const lock = join(root, `t${trial}`, "_sluice", "run.lock");
        await plant(lock, { runId: `r-dead-${trial}`, since: new Date().toISOString(), pid: deadPid(), host: hostname() });

        // Act: every contender tries at the same instant
        const at = Date.now() + 30;
        const answers = await Promise.all(contenders.map((c) => c.ask({ trial, lock, at })));

        // Assess: one winner, who reports the dead run; the others are refused naming the winner
        const won = answers.filter((a) => a.won === true);
        winners.push(won.length);
        expect(won, JSON.stringify(answers)).toHaveLength(1);
        expect(won[0]!.stale).toBe(`r-dead-${trial}`);
        for (const lost of answers.filter((a) => a.won !== true)) expect(lost.holder).toBe(won[0]!.runId);
        expect(JSON.parse(await readFile(lock, "utf8")).runId).toBe(won[0]!.runId);
        await Promise.all(contenders.map((c) => c.ask({ release: trial })));
      }
      expect(winners).toEqual(Array(TRIALS).fill(1));
    } finally {
      for (const c of contenders) c.child.kill();
    }
  });

  it("takes over a lock whose pid is alive but belongs to a process started at another time (pid reuse)", async () => {
    // Prepare: a live process, and a lock naming its pid with a different start time
    const sleeper = spawn("sleep", ["30"]);
    try {
      const path = join(root, "reuse", "run.lock");
      const start = (await processStartTime(sleeper.pid!))!;
      expect(start).toBeGreaterThan(0);
      const holder = { runId: "r-old", since: new Date().toISOString(), pid: sleeper.pid, host: hostname(), bootId: await bootId() };
      await plant(path, { ...holder, startTime: start });
      const lock = new FsRunLock(path);
      // the same pid with its real start time is a live holder
      const refused = await lock.acquire("r-new").catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RunInProgressError);
      await plant(path, { ...holder, startTime: start - 1 });

      // Act
      const lease = await lock.acquire("r-new");

      // Assess
      expect(lease.stale?.runId).toBe("r-old");
      expect(await lock.holder()).toMatchObject({ runId: "r-new", pid: process.pid, host: hostname(), bootId: await bootId() });
      await lease.release();
      expect(await lock.holder()).toBeUndefined();
    } finally {
      sleeper.kill();
    }
  });

  it("takes over a lock recorded on another boot of this host", async () => {
    // Prepare: a live pid, but the boot id of a boot that is over
    const path = join(root, "boot", "run.lock");
    await plant(path, { runId: "r-before-reboot", since: new Date().toISOString(), pid: process.pid, host: hostname(), bootId: "00000000-0000-0000-0000-000000000000" });
    // Act
    const lease = await new FsRunLock(path).acquire("r-new");
    // Assess
    expect(lease.stale?.runId).toBe("r-before-reboot");
    await lease.release();
  });

  it("takes over a lock older than maxAgeMs even when its holder looks alive, and not before", async () => {
    // Prepare: a lock held by this very (live) process, acquired 2 hours ago
    const path = join(root, "age", "run.lock");
    const holder = { runId: "r-stuck", since: new Date(Date.now() - 2 * 3600_000).toISOString(), pid: process.pid, host: hostname(), startTime: await processStartTime(process.pid) };
    await plant(path, holder);
    // Act
    const young = await new FsRunLock(path, { maxAgeMs: 3 * 3600_000 }).acquire("r-new").catch((e: unknown) => e);
    const lease = await new FsRunLock(path, { maxAgeMs: 3600_000 }).acquire("r-new");
    // Assess
    expect(young).toBeInstanceOf(RunInProgressError);
    expect(lease.stale?.runId).toBe("r-stuck");
    await lease.release();
  });

  it("does not judge a holder on another host by pid: it blocks until it ages out", async () => {
    // Prepare
    const path = join(root, "host", "run.lock");
    await plant(path, { runId: "r-elsewhere", since: new Date().toISOString(), pid: deadPid(), host: `${hostname()}-other` });
    // Act
    const refused = await new FsRunLock(path).acquire("r-new").catch((e: unknown) => e);
    // Assess
    expect(refused).toBeInstanceOf(RunInProgressError);
    expect((refused as RunInProgressError).runningId).toBe("r-elsewhere");
  });

  it("removes a takeover guard left by a taker that died, and proceeds", async () => {
    // Prepare: a stale lock and a guard directory from 20 s ago
    const path = join(root, "guard", "run.lock");
    await plant(path, { runId: "r-dead", since: new Date().toISOString(), pid: deadPid(), host: hostname() });
    await mkdir(`${path}.takeover`);
    const past = new Date(Date.now() - 20_000);
    await utimes(`${path}.takeover`, past, past);
    // Act
    const lease = await new FsRunLock(path).acquire("r-new");
    // Assess
    expect(lease.stale?.runId).toBe("r-dead");
    await lease.release();
  });

  it("removes the empty temp file an acquirer killed mid-way left beside the lock, and keeps a live writer's", async () => {
    // Prepare: a dead process's temp lock file (as ENOSPC or SIGKILL between write and cleanup leave it) and a live one's
    const path = join(root, "temps", "run.lock");
    const dead = `${path}.${deadPid()}.1.tmp`;
    const sleeper = spawn("sleep", ["30"]);
    const live = `${path}.${sleeper.pid}.1.tmp`;
    try {
      await plant(dead, {});
      await writeFile(dead, "");
      await writeFile(live, "");

      // Act
      const lease = await new FsRunLock(path).acquire("r-new");
      await lease.release();

      // Assess
      expect((await readdir(dirname(path))).sort()).toEqual([basename(live)]);
    } finally {
      sleeper.kill();
    }
  });
});
