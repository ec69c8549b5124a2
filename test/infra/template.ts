import type { CloudAssembly } from "aws-cdk-lib/cx-api";

/** A CloudFormation template as plain JSON. */
export interface Cfn {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; Metadata?: Record<string, any> }>;
  readonly Outputs?: Record<string, { Value: unknown }>;
}

/** The template of stack `<stage>-sluice-<name>`. */
export function templateOf(assembly: CloudAssembly, stage: string, name: string): Cfn {
  return assembly.getStackByName(`${stage}-sluice-${name}`).template as Cfn;
}

/** Every resource of a type across all stacks, with its stack. */
export function resourcesOf(assembly: CloudAssembly, type: string) {
  return assembly.stacks.flatMap((stack) =>
    Object.entries((stack.template as Cfn).Resources)
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => ({ stack: stack.stackName, id, ...r, Properties: r.Properties ?? {} })),
  );
}

/** Every IAM statement of every inline policy, with the policy's logical id. */
export function statementsOf(assembly: CloudAssembly) {
  return resourcesOf(assembly, "AWS::IAM::Policy").flatMap((p) =>
    (p.Properties.PolicyDocument.Statement as any[]).map((s) => ({
      policy: `${p.stack}/${p.id}`,
      actions: [s.Action].flat() as string[],
      resources: [s.Resource].flat(),
      effect: s.Effect as string,
    })),
  );
}

/**
 * A CloudFormation value rendered as text: `Fn::Join` parts concatenated, any reference
 * (Ref, GetAtt, ImportValue) shown as `<ref>`.
 */
export function render(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && "Fn::Join" in value) {
    const [sep, parts] = (value as { "Fn::Join": [string, unknown[]] })["Fn::Join"];
    return parts.map(render).join(sep);
  }
  return "<ref>";
}

/** The logical id CDK gives a top-level construct `id` of `type` (its alphanumerics plus an 8-hex hash). */
export function logicalIdOf(template: Cfn, type: string, id: string): string {
  const re = new RegExp(`^${id.replace(/[^A-Za-z0-9]/g, "")}[A-F0-9]{8}$`);
  const found = Object.entries(template.Resources).find(([key, r]) => r.Type === type && re.test(key));
  if (!found) throw new Error(`no ${type} with construct id ${id}`);
  return found[0];
}
