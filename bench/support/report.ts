/** One line of the results table. */
export interface Row {
  /** The measure it belongs to (1–6 of the issue) and what it shows. */
  readonly measure: string;
  readonly metric: string;
  /** Our figure. */
  readonly value: number;
  readonly unit: string;
  /** The baseline's figure in the same run, when there is one. */
  readonly baseline?: number;
  /** value / baseline (or the figure the target is about), when meaningful. */
  readonly ratio?: number;
  /** The target, in words (`≤ 1.2×`), and whether this run met it. */
  readonly target?: string;
  readonly ok?: boolean;
}

const fmt = (v: number | undefined, unit = ""): string => {
  if (v === undefined || Number.isNaN(v)) return "";
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)}${unit ? ` ${unit}` : ""}`;
};

/** The table printed at the end of a run: one line per row, aligned. */
export function formatTable(rows: readonly Row[]): string {
  const header = ["measure", "metric", "ours", "baseline", "ratio", "target", ""];
  const lines = rows.map((r) => [
    r.measure,
    r.metric,
    fmt(r.value, r.unit),
    fmt(r.baseline, r.unit),
    r.ratio === undefined ? "" : `${r.ratio.toFixed(2)}×`,
    r.target ?? "",
    r.ok === undefined ? "" : r.ok ? "ok" : "MISSED",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const pad = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  return [pad(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(pad)].join("\n");
}
