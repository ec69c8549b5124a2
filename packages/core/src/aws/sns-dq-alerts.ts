import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { RunRecord } from "../run/run-record";

/** SNS subjects: ASCII, no line breaks, under 100 characters (SNS Publish reference). */
const MAX_SUBJECT = 99;

/**
 * Tells people a DQ gate failed: one SNS message to the alert topic naming the run, its range
 * and the failed blocking rules, and that production did not change.
 * https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export class SnsDqAlerts {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  /** Publishes the alert of a `dq_failed` run; returns the SNS MessageId. */
  async publishDqFailure(run: RunRecord): Promise<string | undefined> {
    const output = await this.sns.send(
      new PublishCommand({ TopicArn: this.topicArn, Subject: dqAlertSubject(run), Message: dqAlertMessage(run) }),
    );
    return output.MessageId;
  }

  /** Publishes the alert of a `failed` run (a step failed, the run stopped); returns the SNS MessageId. */
  async publishRunFailure(run: RunRecord): Promise<string | undefined> {
    const subject = `sluice: run FAILED for ${run.parameters.dataset} (${run.id})`.replace(/[^\x20-\x7e]/g, "?").slice(0, MAX_SUBJECT);
    const output = await this.sns.send(new PublishCommand({ TopicArn: this.topicArn, Subject: subject, Message: runFailureMessage(run) }));
    return output.MessageId;
  }
}

/** A failed run's alert body: what ran, the step that failed and why, what production serves. */
export function runFailureMessage(run: RunRecord): string {
  const p = run.parameters;
  return [
    `Run ${run.id} of dataset ${p.dataset} (${p.from} .. ${p.to}, source ${p.source}) failed at step ${run.failure?.step ?? "?"}.`,
    "",
    run.failure?.message ?? "(no failure recorded)",
    "",
    run.status === "succeeded"
      ? `Production was switched before the failure: it serves ${run.prodVersion ?? "?"}.`
      : `Production unchanged${run.prodVersion ? `: it still serves ${run.prodVersion}` : ""}.`,
  ].join("\n");
}

/** `sluice: DQ gate FAILED for weather (r2024…)`, trimmed to SNS's subject rules. */
export function dqAlertSubject(run: RunRecord): string {
  const subject = `sluice: DQ gate FAILED for ${run.parameters.dataset} (${run.id})`;
  return subject.replace(/[^\x20-\x7e]/g, "?").slice(0, MAX_SUBJECT);
}

/** The alert's body: what ran, which blocking rules failed, and what production still serves. */
export function dqAlertMessage(run: RunRecord): string {
  const p = run.parameters;
  const lines = [
    `Run ${run.id} of dataset ${p.dataset} (${p.from} .. ${p.to}, ${p.locations.length} location(s), source ${p.source}) stopped at the DQ gate.`,
    `Score: ${run.dq ? (run.dq.score * 100).toFixed(1) : "?"} %`,
    "",
    "Failed blocking rules:",
    ...(run.dq?.failedRules ?? []).map((rule) => `  - ${rule}`),
    "",
    `Production unchanged${run.prodVersion ? `: it still serves ${run.prodVersion}` : ""}.`,
  ];
  return lines.join("\n");
}
