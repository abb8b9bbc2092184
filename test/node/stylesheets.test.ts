import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * The stylesheets by what they style: base.css (both), shop.css (the shop's
 * pages), console.css (admin.html). Each class or id a rule names must be used
 * by the markup or the scripts it styles: no dead rule, none in the wrong sheet.
 */
const read = (path: string) => readFileSync(path, "utf8");
const js = readdirSync("public/js");
const SHOP = [
	...["index", "success", "cancel", "pay", "account", "404", "page"].map((page) =>
		read(`public/${page}.html`),
	),
	...js.filter((f) => !f.startsWith("admin")).map((f) => read(`public/js/${f}`)),
	// The worker fills the shop's pages in (success, cancel, the no-script storefront).
	...readdirSync("src/pages").map((f) => read(`src/pages/${f}`)),
	read("src/routes/pages.ts"),
];
const CONSOLE = [
	read("public/admin.html"),
	read("src/pages/shell.ts"),
	...js.filter((f) => f.startsWith("admin")).map((f) => read(`public/js/${f}`)),
	// Helpers both sides load.
	...["dom.js", "api.js", "money.js", "form-feedback.js", "ui.js"].map((f) =>
		read(`public/js/${f}`),
	),
];

/** The class and id names each rule's selector names (inside @media too). */
function selectorNames(css: string): string[][] {
	const bare = css.replace(/\/\*[\s\S]*?\*\//g, "");
	const selectors = [...bare.matchAll(/([^{}]+)\{[^{}]*\}/g)].map((m) => m[1] ?? "");
	return selectors.map((selector) => [
		...new Set([...selector.matchAll(/[.#]([a-zA-Z][\w-]*)/g)].map((m) => m[1] ?? "")),
	]);
}

const used = (texts: string[], name: string) =>
	texts.some((text) => new RegExp(`(^|[^\\w-])${name}([^\\w-]|$)`).test(text));

describe("the stylesheets", () => {
	it.each([
		["shop.css", SHOP],
		["console.css", CONSOLE],
		["base.css", [...SHOP, ...CONSOLE]],
	])("%s has no rule that nothing it styles uses", (sheet, texts) => {
		const dead = selectorNames(read(`public/css/${sheet}`)).filter(
			(names) => names.length > 0 && !names.some((name) => used(texts, name)),
		);
		expect(dead).toEqual([]);
	});

	it("are linked by the pages they style; base.css by the shell the worker writes first", () => {
		for (const page of ["index", "success", "cancel", "pay", "account", "404"])
			expect(read(`public/${page}.html`)).toMatch(
				/<link rel="stylesheet" href="\/css\/shop\.css" \/>/,
			);
		expect(read("public/admin.html")).toMatch(
			/<link rel="stylesheet" href="\/css\/console\.css" \/>/,
		);
		for (const page of ["index", "success", "cancel", "pay", "404", "admin"])
			expect(read(`public/${page}.html`)).not.toContain("base.css");
		expect(read("src/pages/shell.ts")).toContain('<link rel="stylesheet" href="/css/base.css" />');
	});
});
