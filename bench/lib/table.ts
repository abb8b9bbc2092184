/** Plain-text tables for the terminal (and for pasting into the README). */

export function table(title: string, header: string[], rows: string[][]): string {
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
	const numeric = header.map((_, i) =>
		rows.every((r) => /^[-+~≈<>≤≥]?[\d.,]+(\s*\S*)?$|^—$|^$/.test(r[i] ?? "")),
	);
	const line = (cells: string[]) =>
		`| ${cells
			.map((c, i) => (numeric[i] ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
			.join(" | ")} |`;
	const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
	return [`\n${title}`, line(header), rule, ...rows.map(line)].join("\n");
}

/** A number with a sensible count of digits for its size. */
export function fmt(value: number | null | undefined, digits?: number): string {
	if (value === null || value === undefined || Number.isNaN(value)) return "—";
	if (digits !== undefined) return value.toFixed(digits);
	const abs = Math.abs(value);
	if (abs >= 100) return value.toFixed(0);
	if (abs >= 10) return value.toFixed(1);
	if (abs >= 1) return value.toFixed(2);
	return value.toFixed(3);
}
