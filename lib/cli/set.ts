/** `--set key=value` overrides and config files: the CLI's names for lib/config.ts (one implementation). */
export { readConfigFile } from "../config";
