import { x } from "./x";
export async function main(argv: string[]): Promise<number> {
  console.log("hello", x, argv.slice(2));
  return 0;
}
