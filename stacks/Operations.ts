import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { use, type StackContext } from "sst/constructs";
import { Api } from "./Api";
import { Ingest } from "./Ingest";

/** How often the alarms look: one 5-minute period breaching is enough to tell someone. */
const PERIOD = Duration.minutes(5);

/**
 * The alarms that tell someone the unattended pipeline needs a look, each notifying the alert topic
 * (the one failed DQ gates publish to): a producer that failed, a run or a back-fill that failed or
 * timed out, a Firehose stream
 * whose deliveries to S3 did not all succeed. No data (no invocation, no delivery in the period) is
 * not a failure.
 */
export function Operations({ stack }: StackContext) {
  const { producers, streams } = use(Ingest);
  const { alerts, runs, backfills } = use(Api);
  const notify = new SnsAction(alerts);
  const alarm = (id: string, props: Omit<cloudwatch.AlarmProps, "evaluationPeriods">) => {
    const created = new cloudwatch.Alarm(stack, id, { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...props, evaluationPeriods: 1 });
    created.addAlarmAction(notify);
    return created;
  };

  /** An alarm on a count (errors, failed executions) that breaches from one in a period. */
  const onAny = (id: string, alarmDescription: string, metric: (props: cloudwatch.MetricOptions) => cloudwatch.Metric) =>
    alarm(id, {
      alarmDescription,
      metric: metric({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });

  for (const { dataset, fn } of producers) {
    onAny(`ProducerErrors-${dataset}`, `The ${dataset} producer failed (Lambda Errors ≥ 1 in 5 minutes): raw data for that hour may be missing.`, (p) => fn.metricErrors(p));
  }
  // A failed run has alerted already (the step runner publishes it); the alarm also covers the
  // executions whose failure could not be recorded. A timed-out execution runs no Catch at all.
  onAny("RunExecutionsFailed", "A run's state machine execution failed (ExecutionsFailed ≥ 1 in 5 minutes; a failed DQ gate counts): see its run record and the execution's history.", (p) => runs.metricFailed(p));
  onAny("RunExecutionsTimedOut", "A run's state machine execution timed out (ExecutionsTimedOut ≥ 1 in 5 minutes): its record says running and its lock stays until the next run takes it over (2 h).", (p) => runs.metricTimedOut(p));
  // A back-fill whose chunk failed ends in its BackfillStopped Fail state: its cursor names the chunk.
  onAny("BackfillExecutionsFailed", "A back-fill's state machine execution failed (ExecutionsFailed ≥ 1 in 5 minutes): GET /backfills/{id} names the chunk it stopped at; POST the same request again to resume.", (p) => backfills.metricFailed(p));
  onAny("BackfillExecutionsTimedOut", "A back-fill's state machine execution timed out (ExecutionsTimedOut ≥ 1 in 5 minutes, 30 days): its cursor keeps the chunks written; POST the same request again to resume.", (p) => backfills.metricTimedOut(p));
  for (const { dataset, stream } of streams) {
    // DeliveryToS3.Success is successful S3 puts over all S3 puts: below 1, some delivery failed.
    // https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html
    alarm(`FirehoseDelivery-${dataset}`, {
      alarmDescription: `Firehose could not deliver some ${dataset} records to S3 (DeliveryToS3.Success < 1): it retries for 24 h, then writes them to the error prefix.`,
      metric: new cloudwatch.Metric({
        namespace: "AWS/Firehose",
        metricName: "DeliveryToS3.Success",
        dimensionsMap: { DeliveryStreamName: stream.ref },
        period: PERIOD,
        statistic: cloudwatch.Stats.MINIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    });
  }
}
