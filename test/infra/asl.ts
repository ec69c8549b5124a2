import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

/** An Amazon States Language definition, as far as the tests read it. */
export interface Asl {
  readonly StartAt: string;
  readonly TimeoutSeconds?: number;
  readonly States: Record<string, AslState>;
}

/** One state of an ASL definition. */
export interface AslState {
  readonly Type: "Task" | "Choice" | "Wait" | "Fail" | "Succeed" | "Pass" | "Map";
  readonly Resource?: string;
  readonly Parameters?: Record<string, unknown>;
  readonly ResultPath?: string | null;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Retry?: readonly { ErrorEquals: string[]; IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number; MaxDelaySeconds?: number; JitterStrategy?: string }[];
  readonly Catch?: readonly { ErrorEquals: string[]; ResultPath?: string; Next: string }[];
  readonly Choices?: readonly { Variable: string; StringEquals: string; Next: string }[];
  readonly Default?: string;
  readonly SecondsPath?: string;
  readonly TimeoutSeconds?: number;
  readonly Error?: string;
}

/** Where the run state machine's definition is kept: `UPDATE_GOLDEN=1 npx vitest run test/infra/stacks.test.ts` rewrites it. */
export const RUN_STATE_MACHINE_GOLDEN = join(__dirname, "golden", "run-state-machine.asl.json");
/** The back-fill state machine's definition, kept the same way. */
export const BACKFILL_STATE_MACHINE_GOLDEN = join(__dirname, "golden", "backfill-state-machine.asl.json");

/**
 * The ASL of a synthesized `DefinitionString` with its tokens normalised: a `Fn::GetAtt` becomes
 * `<LogicalId.Attribute>` and a `Ref` `<LogicalId>`, the logical id without CDK's 8-hex hash, so
 * the golden file changes only when the definition does.
 */
export function renderAsl(definition: unknown): string {
  const part = (value: unknown): string => {
    if (typeof value === "string") return value;
    const token = value as { "Fn::GetAtt"?: [string, string]; Ref?: string; "Fn::Join"?: [string, unknown[]] };
    const plain = (id: string) => id.replace(/[A-F0-9]{8}$/, "");
    if (token["Fn::GetAtt"]) return `<${plain(token["Fn::GetAtt"][0])}.${token["Fn::GetAtt"][1]}>`;
    if (token.Ref) return `<${plain(token.Ref)}>`;
    if (token["Fn::Join"]) return token["Fn::Join"][1].map(part).join(token["Fn::Join"][0]);
    throw new Error(`unexpected token in the definition: ${JSON.stringify(value)}`);
  };
  return `${JSON.stringify(JSON.parse(part(definition)), null, 2)}\n`;
}

/** Compares with the golden file; a missing file is a failure, only UPDATE_GOLDEN=1 writes it. */
export function expectGoldenAsl(text: string, path = RUN_STATE_MACHINE_GOLDEN): void {
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(path, text);
  expect(existsSync(path), `${path} is missing; create it with UPDATE_GOLDEN=1 npx vitest run test/infra/stacks.test.ts`).toBe(true);
  expect(text, `the state machine differs from ${path}; rerun with UPDATE_GOLDEN=1 if the change is intended`).toBe(readFileSync(path, "utf8"));
}

/** The golden definition, parsed (the state machine walk runs the step runner along it). */
export function goldenAsl(path = RUN_STATE_MACHINE_GOLDEN): Asl {
  return JSON.parse(readFileSync(path, "utf8")) as Asl;
}
