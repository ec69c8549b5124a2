import type { SSTConfig } from "sst";
import { pipeline } from "./packages/core/src/pipeline/pipeline";
import { stacks } from "./stacks";

export default {
  config() {
    return { name: pipeline.app, region: process.env.AWS_REGION ?? "eu-west-1" };
  },
  stacks,
} satisfies SSTConfig;
