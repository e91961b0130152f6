/**
 * The benchmark harness on a synthetic suite: selection, interleaving, medians, figures, output.
 * Nothing here is timed — the rows return fixed numbers.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check, ratio } from "../../bench/harness/figures.js";
import { BenchRegistry } from "../../bench/harness/registry.js";
import { formatFigures, formatRows, writeReport } from "../../bench/harness/report.js";
import { computeFigures, runRows } from "../../bench/harness/runner.js";
import { median } from "../../bench/harness/stats.js";
import type { BenchRow, BenchSuite, MeasureContext, Sample } from "../../bench/harness/types.js";

/** A row that returns `values` in turn and records every call in `log`. */
function scripted(
  name: string,
  values: readonly number[],
  log: string[],
  extra: Partial<BenchRow> = {},
): BenchRow {
  let call = 0;
  return {
    name,
    label: `synthetic ${name}`,
    unit: "µs/update",
    async measure(context: MeasureContext): Promise<Sample> {
      log.push(`${name}${context.warmup ? ":warm" : ""}@${context.size(1000, 10)}`);
      const value = values[call++ % values.length] ?? 0;
      return { value, metrics: { cpu: value / 2 } };
    },
    ...extra,
  };
}

function suite(log: string[]): BenchSuite {
  return {
    name: "synthetic",
    rows: [
      scripted("fast/one", [1, 3, 2], log),
      scripted("slow/two", [10, 30, 20], log),
      scripted("slow/three", [100], log, { reps: 1, warmup: false }),
    ],
    figures: [
      ratio("two/one", "two over one", "slow/two", "fast/one", { op: "<=", value: 5 }),
      check("one", "one itself", "fast/one", "µs/update", { op: "<=", value: 1 }),
    ],
  };
}

describe("BenchRegistry", () => {
  it("selects rows by name or suite, and the rows of a figure named by a filter", () => {
    const registry = new BenchRegistry().add(suite([]));
    expect(registry.select([]).rows.map((r) => r.name)).toEqual([
      "fast/one",
      "slow/two",
      "slow/three",
    ]);
    expect(registry.select(["SLOW"]).rows.map((r) => r.name)).toEqual(["slow/two", "slow/three"]);
    expect(registry.select(["synthetic"]).rows).toHaveLength(3);
    const byFigure = registry.select(["two/one"]);
    expect(byFigure.rows.map((r) => r.name)).toEqual(["fast/one", "slow/two"]);
    expect(byFigure.figures.map((f) => f.name)).toEqual(["two/one", "one"]);
    // A figure whose rows are not all selected is left out.
    expect(registry.select(["slow/two"]).figures).toEqual([]);
  });

  it("rejects duplicate names and figures over unknown rows", () => {
    const registry = new BenchRegistry().add(suite([]));
    expect(() => registry.add(suite([]))).toThrow(/duplicate row name "fast\/one"/);
    const broken: BenchSuite = {
      name: "broken",
      rows: [],
      figures: [ratio("x", "x", "nope", "fast/one")],
    };
    expect(() => new BenchRegistry().add(suite([])).add(broken)).toThrow(/unknown row "nope"/);
  });
});

describe("runRows", () => {
  it("warms up at a tenth of the size, then interleaves repetitions and keeps medians", async () => {
    const log: string[] = [];
    const results = await runRows(suite(log).rows, { reps: 3, quick: false });
    expect(log).toEqual([
      "fast/one:warm@100",
      "slow/two:warm@100",
      "fast/one@1000",
      "slow/two@1000",
      "slow/three@1000",
      "fast/one@1000",
      "slow/two@1000",
      "fast/one@1000",
      "slow/two@1000",
    ]);
    const [one, two, three] = results;
    // The warm-up consumed the first scripted value: the timed samples are 3, 2, 1.
    expect(one?.samples.map((s) => s.value)).toEqual([3, 2, 1]);
    expect(one).toMatchObject({ median: 2, min: 1, max: 3, metrics: { cpu: 1 } });
    expect(two?.median).toBe(20);
    expect(three).toMatchObject({ median: 100, samples: [{ value: 100 }] });
  });

  it("runs each row once at the small size under quick", async () => {
    const log: string[] = [];
    await runRows(suite(log).rows, { reps: 5, quick: true });
    expect(log).toEqual(["fast/one@10", "slow/two@10", "slow/three@10"]);
  });

  it("keeps a failing row's error and stops repeating it; other rows go on", async () => {
    let calls = 0;
    const failing: BenchRow = {
      name: "failing",
      label: "fails",
      unit: "µs/update",
      async measure() {
        calls++;
        throw new Error("stub broke");
      },
    };
    const [result, other] = await runRows([failing, scripted("ok", [7], [])], {
      reps: 3,
      quick: false,
    });
    expect(calls).toBe(1);
    expect(result?.error).toMatch(/stub broke/);
    expect(result?.samples).toEqual([]);
    expect(other?.median).toBe(7);
  });
});

describe("figures and output", () => {
  it("computes ratios and checks from medians, with CPU-time values and pass/fail", async () => {
    const definition = suite([]);
    const results = await runRows(definition.rows, { reps: 3, quick: false });
    const figures = computeFigures(definition.figures ?? [], results);
    expect(figures).toEqual([
      expect.objectContaining({ name: "two/one", value: 10, cpuValue: 10, pass: false }),
      expect.objectContaining({ name: "one", value: 2, cpuValue: 1, pass: false }),
    ]);
    const table = formatFigures(figures);
    expect(table).toContain("two/one");
    expect(table).toContain("10.0×");
    expect(table).toContain("FAIL");
    expect(formatRows(results)).toMatch(/fast\/one\s+synthetic fast\/one\s+2\.00\s+µs\/update/);
  });

  it("writes the report as JSON", async () => {
    const dir = await mkdtemp(join(tmpdir(), "colloquy-bench-"));
    try {
      const definition = suite([]);
      const rows = await runRows(definition.rows, { reps: 1, quick: true });
      const path = join(dir, "nested", "latest.json");
      await writeReport(path, {
        environment: {
          date: "now",
          node: "v20",
          platform: "test",
          cpu: "test",
          cores: 1,
          loadAtStart: 0,
        },
        argv: [],
        quick: true,
        reps: 1,
        seconds: 0,
        rows,
        figures: computeFigures(definition.figures ?? [], rows),
      });
      const written = JSON.parse(await readFile(path, "utf8"));
      expect(written.rows.map((r: { name: string }) => r.name)).toEqual([
        "fast/one",
        "slow/two",
        "slow/three",
      ]);
      expect(written.figures[0]).toMatchObject({ name: "two/one", value: 10 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("takes the median of odd and even counts", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
