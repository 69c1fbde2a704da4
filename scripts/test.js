#!/usr/bin/env node
// `npm test`: runs every tests/**/*.test.ts with Node's test runner (TypeScript through tsx).
// Extra arguments filter test files by substring: `npm test -- tokenizer`.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === "fixtures" || name === "node_modules") continue;
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = find("tests").filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
if (files.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}
const args = ["--import", "tsx", "--test", "--test-concurrency=2", "--test-reporter=spec", ...files];
const r = spawnSync(process.execPath, args, { stdio: "inherit" });
process.exit(r.status ?? 1);
