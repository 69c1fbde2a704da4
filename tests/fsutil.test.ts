import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isTempName, removeStaleTemps, safeJoin, tempPathFor, withAtomicFile, writeFileAtomic, writeJsonAtomic } from "../lib/fsutil";
import { UserError } from "../lib/errors";

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "ni-fs-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("atomic writes", () => {
  test("writeFileAtomic replaces content, creates parent dirs, leaves no temp", () => {
    const p = join(dir, "sub", "deeper", "a.txt");
    writeFileAtomic(p, "one");
    writeFileAtomic(p, new Uint8Array([116, 119, 111]));
    assert.equal(readFileSync(p, "utf8"), "two");
    assert.deepEqual(readdirSync(join(dir, "sub", "deeper")), ["a.txt"]);
  });

  test("writeJsonAtomic writes pretty JSON with a trailing newline", () => {
    const p = join(dir, "x.json");
    writeJsonAtomic(p, { a: [1, 2] });
    assert.equal(readFileSync(p, "utf8"), '{\n  "a": [\n    1,\n    2\n  ]\n}\n');
  });

  test("a failing writer keeps the old file and removes the temp", () => {
    const p = join(dir, "keep.txt");
    writeFileAtomic(p, "old");
    assert.throws(() => withAtomicFile(p, () => {
      throw new Error("disk full");
    }), /disk full/);
    assert.equal(readFileSync(p, "utf8"), "old");
    assert.deepEqual(readdirSync(dir).filter(isTempName), []);
  });

  test("temp names are hidden, unique, recognised; stale ones are removed", () => {
    const t1 = tempPathFor(join(dir, "m.safetensors"));
    const t2 = tempPathFor(join(dir, "m.safetensors"));
    assert.notEqual(t1, t2);
    assert.match(t1, /\/\.m\.safetensors\.\d+\.[0-9a-f]{8}\.tmp$/);
    writeFileSync(t1, "mine"); // this process: alive, kept
    const dead = join(dir, ".m.safetensors.4194305.0badf00d.tmp");
    writeFileSync(dead, "stale");
    removeStaleTemps(dir);
    assert.equal(existsSync(t1), true);
    assert.equal(existsSync(dead), false);
    rmSync(t1);
  });
});

describe("safeJoin", () => {
  test("allows names inside the directory", () => {
    assert.equal(safeJoin("/d", "a.txt"), "/d/a.txt");
    assert.equal(safeJoin("/d", "sub/a.txt"), "/d/sub/a.txt");
    assert.equal(safeJoin("rel", "x/../y"), "rel/y");
  });
  test("refuses names escaping it", () => {
    for (const bad of ["../x", "a/../../x", "/etc/passwd", "..", ".", "", "a\0b", "C:\\x", "sub/.."]) {
      assert.throws(() => safeJoin("/d", bad), (err: unknown) => err instanceof UserError && /refusing file name/.test(err.message), bad);
    }
  });
});
