import type { ObjectStore } from "../lake/object-store";

/**
 * An ingest in flight, as its journal entry records it: written when it starts, removed when it
 * ends cleanly. An entry whose process is gone is an ingest that was cut short: killed (SIGKILL,
 * a crash, the machine going down: the records its buffers held were lost), or stopped by a
 * signal it caught (`signal`: it wrote what it had accepted, but did not fetch every location).
 */
export interface IngestJournalEntry {
  readonly id: string;
  readonly dataset: string;
  readonly source: string;
  readonly from: string;
  readonly to: string;
  readonly locations: readonly string[];
  readonly startedAt: string;
  /** The process that ran it (pid, host, boot id, start time), to tell a dead one from a live one. */
  readonly process: ProcessIdentity;
  /** Set when a caught signal stopped it. */
  readonly signal?: string;
  readonly stoppedAt?: string;
  /** Locations fetched and records written by then. */
  readonly locationsDone?: number;
  readonly recordsDelivered?: number;
}

/** Who runs an ingest (the lock's holder identity has the same fields). */
export interface ProcessIdentity {
  readonly pid: number;
  readonly host?: string;
  readonly bootId?: string;
  readonly startTime?: number;
}

/** What the journal needs from its host: this process, and whether another one is certainly gone. */
export interface ProcessProbe {
  self(): Promise<ProcessIdentity>;
  isDead(process: ProcessIdentity, since: string): Promise<boolean>;
}

/** An earlier ingest that did not end cleanly, as a summary or a run reports it. */
export interface CutShortIngest extends IngestJournalEntry {
  /** What became of its records, in words. */
  readonly note: string;
}

/**
 * The ingest journal: one small JSON object per ingest in flight under `_sluice/ingests/` of a
 * bucket, through the ObjectStore port. `takeCutShort` hands over (and removes) the entries of
 * ingests whose process is gone, so each one is reported once, by the next ingest or run.
 */
export class IngestJournal {
  constructor(
    private readonly store: ObjectStore,
    private readonly bucket: string,
    private readonly probe: ProcessProbe,
    private readonly prefix = "_sluice/ingests/",
  ) {}

  /** Records an ingest as started; `end` removes the entry, `stopped` marks it stopped by a signal. */
  async begin(entry: Omit<IngestJournalEntry, "id" | "process" | "startedAt">, now = new Date()): Promise<IngestJournalHandle> {
    const self = await this.probe.self();
    const id = `${now.toISOString().replace(/[-:.]/g, "").toLowerCase()}-${self.pid}`;
    const recorded: IngestJournalEntry = { ...entry, id, startedAt: now.toISOString(), process: self };
    const key = `${this.prefix}${id}.json`;
    await this.store.put(this.bucket, key, JSON.stringify(recorded, null, 2));
    return {
      end: () => this.store.delete(this.bucket, key),
      stopped: (stop) => this.store.put(this.bucket, key, JSON.stringify({ ...recorded, ...stop, stoppedAt: new Date().toISOString() }, null, 2)),
    };
  }

  /** The entries of ingests whose process is gone, oldest first, removed from the journal. */
  async takeCutShort(): Promise<CutShortIngest[]> {
    const out: CutShortIngest[] = [];
    for (const object of await this.store.list(this.bucket, this.prefix)) {
      if (!object.key.endsWith(".json")) continue;
      let entry: IngestJournalEntry;
      try {
        entry = JSON.parse(Buffer.from(await this.store.get(this.bucket, object.key)).toString("utf8")) as IngestJournalEntry;
      } catch {
        continue; // removed meanwhile by another taker
      }
      if (!(await this.probe.isDead(entry.process, entry.startedAt))) continue;
      await this.store.delete(this.bucket, object.key);
      out.push({ ...entry, note: noteOf(entry) });
    }
    return out;
  }
}

/** What `begin` returns. */
export interface IngestJournalHandle {
  /** The ingest ended (every location fetched, every accepted record written or reported). */
  end(): Promise<void>;
  /** A caught signal stopped the ingest after writing what it had accepted. */
  stopped(stop: { signal: string; locationsDone: number; recordsDelivered: number }): Promise<void>;
}

function noteOf(entry: IngestJournalEntry): string {
  const what = `ingest of ${entry.dataset} ${entry.from}..${entry.to} (${entry.locations.length} location(s), pid ${entry.process.pid}, started ${entry.startedAt})`;
  if (entry.signal) {
    return `${what} was stopped by ${entry.signal} after ${entry.locationsDone ?? 0} of ${entry.locations.length} location(s): the ${entry.recordsDelivered ?? 0} record(s) it had accepted were written, the other locations were not fetched`;
  }
  return `${what} was killed before it finished (SIGKILL, a crash or a shutdown): records it had accepted but not yet written were lost; ingest that range again`;
}
