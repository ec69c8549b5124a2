import type { Asl, AslState } from "../infra/asl";

/** What the walk saw: the states in order, the waits and back-offs, how the execution ended, its output. */
export interface Walk {
  readonly status: "SUCCEEDED" | "FAILED";
  readonly error?: string;
  readonly states: string[];
  readonly waits: number[];
  readonly retries: { state: string; error: string; delaySeconds: number }[];
  /** The last state's output (a Succeed state's input). */
  readonly output?: unknown;
}

/** A Map state as far as the walk reads it. */
interface MapState extends AslState {
  readonly ItemsPath?: string;
  readonly ItemSelector?: Record<string, unknown>;
  readonly ItemProcessor?: { readonly StartAt: string; readonly States: Record<string, AslState> };
  readonly ResultSelector?: Record<string, unknown>;
}

/** Integrations the walk calls instead of a Lambda: `startExecution.sync` runs a nested execution. */
export interface WalkHooks {
  startExecution?(parameters: Record<string, unknown>): Promise<unknown>;
}

type Context = Record<string, unknown>;

/** A JSONPath of the simple kind the definitions use: `$.a.b` over the state's data, `$$.X.Y` over the context. */
function read(path: string, data: unknown, context: Context): unknown {
  const [root, ...keys] = path.startsWith("$$.") ? [context, ...path.slice(3).split(".")] : [data, ...path.slice(2).split(".").filter(Boolean)];
  return keys.reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], root);
}

function resolve(template: unknown, data: unknown, context: Context): unknown {
  if (!template || typeof template !== "object" || Array.isArray(template)) return template;
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) => (key.endsWith(".$") ? [key.slice(0, -2), read(value as string, data, context)] : [key, resolve(value, data, context)])),
  );
}

/** Puts a state's result where its ResultPath says: the whole output (absent), nowhere (null) or under a key (`$.x`). */
function place(data: unknown, resultPath: string | null | undefined, result: unknown): unknown {
  if (resultPath === undefined || resultPath === "$") return result;
  if (resultPath === null) return data;
  return { ...(data as object), [resultPath.slice(2)]: result };
}

/** An error a state raised, as Step Functions names it. */
class StateError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs an execution along the ASL as Step Functions would, for the state types, Retry, Catch,
 * ResultPath, ResultSelector and Map fields the definitions use: each Lambda Task's Parameters go
 * to `invoke` (the runner's handler), a thrown error's `name` is the ASL error name (as Lambda
 * reports `errorType`), Retry backs off by IntervalSeconds × BackoffRate^n (recorded, not slept),
 * Catch puts `{ Error, Cause }` at ResultPath, a Map runs its ItemProcessor once per item in order.
 * https://states-language.net/spec.html
 */
export async function walk(asl: Asl, execution: { name: string; startTime: string; input: object }, invoke: (payload: unknown) => Promise<unknown>, hooks: WalkHooks = {}): Promise<Walk> {
  const context = { Execution: { Name: execution.name, StartTime: execution.startTime, Input: execution.input, Id: `arn:aws:states:eu-west-1:123456789012:execution:runs:${execution.name}` } };
  const seen = { states: [] as string[], waits: [] as number[], retries: [] as Walk["retries"] };
  const ended = await walkStates(asl.StartAt, asl.States, execution.input, context, invoke, hooks, seen);
  return { ...seen, ...ended };
}

async function walkStates(
  startAt: string,
  states: Record<string, AslState>,
  input: unknown,
  context: Context,
  invoke: (payload: unknown) => Promise<unknown>,
  hooks: WalkHooks,
  seen: { states: string[]; waits: number[]; retries: Walk["retries"] },
): Promise<{ status: "SUCCEEDED" | "FAILED"; error?: string; output?: unknown }> {
  let data: unknown = input;
  let name: string | undefined = startAt;
  while (name) {
    const state = states[name]! as MapState;
    seen.states.push(name);
    if (seen.states.length > 500) throw new Error("the walk does not end");
    switch (state.Type) {
      case "Task":
      case "Map": {
        const attempts = new Map<number, number>();
        for (;;) {
          try {
            const result = state.Type === "Map" ? await runMap(state, data, context, invoke, hooks, seen) : await runTask(state, data, context, invoke, hooks);
            const selected = state.ResultSelector ? resolve(state.ResultSelector, result, context) : result;
            data = place(data, state.ResultPath, selected);
            name = state.End ? undefined : state.Next;
            break;
          } catch (error) {
            const errorName = (error as Error).name;
            const matches = (equals: readonly string[]) => equals.includes(errorName) || equals.includes("States.ALL");
            const retrier = (state.Retry ?? []).findIndex((r) => matches(r.ErrorEquals));
            const tried = attempts.get(retrier) ?? 0;
            if (retrier >= 0 && tried < (state.Retry![retrier]!.MaxAttempts ?? 3)) {
              const r = state.Retry![retrier]!;
              attempts.set(retrier, tried + 1);
              seen.retries.push({ state: name!, error: errorName, delaySeconds: Math.min((r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** tried, r.MaxDelaySeconds ?? Infinity) });
              continue;
            }
            const handler = (state.Catch ?? []).find((c) => matches(c.ErrorEquals));
            if (!handler) return { status: "FAILED", error: errorName };
            data = place(data, handler.ResultPath, { Error: errorName, Cause: JSON.stringify({ errorType: errorName, errorMessage: (error as Error).message }) });
            name = handler.Next;
            break;
          }
        }
        break;
      }
      case "Choice": {
        const choice = state.Choices!.find((c) => read(c.Variable, data, context) === c.StringEquals);
        name = choice ? choice.Next : state.Default;
        break;
      }
      case "Wait":
        seen.waits.push(read(state.SecondsPath!, data, context) as number);
        name = state.End ? undefined : state.Next;
        break;
      case "Fail":
        return { status: "FAILED", error: state.Error! };
      case "Succeed":
        return { status: "SUCCEEDED", output: data };
      default:
        throw new Error(`the walk does not know state type ${state.Type}`);
    }
  }
  return { status: "SUCCEEDED", output: data };
}

async function runTask(state: AslState, data: unknown, context: Context, invoke: (payload: unknown) => Promise<unknown>, hooks: WalkHooks): Promise<unknown> {
  const parameters = resolve(state.Parameters, data, context) as Record<string, unknown>;
  if (state.Resource?.includes(":states:startExecution.sync")) {
    if (!hooks.startExecution) throw new Error("the walk was given no startExecution hook");
    return hooks.startExecution(parameters);
  }
  return invoke(parameters);
}

/** A Map: its ItemProcessor once per item of ItemsPath, in order (MaxConcurrency 1); a failed item fails the Map. */
async function runMap(state: MapState, data: unknown, context: Context, invoke: (payload: unknown) => Promise<unknown>, hooks: WalkHooks, seen: { states: string[]; waits: number[]; retries: Walk["retries"] }): Promise<unknown[]> {
  const items = read(state.ItemsPath ?? "$", data, context) as unknown[];
  const outputs: unknown[] = [];
  for (const [index, value] of items.entries()) {
    const itemContext = { ...context, Map: { Item: { Index: index, Value: value } } };
    const itemInput = state.ItemSelector ? resolve(state.ItemSelector, data, itemContext) : value;
    const ended = await walkStates(state.ItemProcessor!.StartAt, state.ItemProcessor!.States, itemInput, itemContext, invoke, hooks, seen);
    if (ended.status === "FAILED") throw new StateError(ended.error ?? "States.TaskFailed", `item ${index} failed`);
    outputs.push(ended.output);
  }
  return outputs;
}
