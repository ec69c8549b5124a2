/** Whether `lib` (default `<root>/lib`) was built from the sources under `root` as they are now. */
export function libIsCurrent(root: string, lib?: string): boolean;
