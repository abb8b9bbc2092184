import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DRAFT_MARKS } from "../../src/domain/shop.ts";
import { INFO_PAGES } from "../../src/domain/vocabulary.ts";

/**
 * The information pages' starting texts (public/drafts/, SPEC 17): one per
 * page and language, each saying on its first line that it is a draft, a line
 * the worker refuses to publish (DRAFT_MARKS), and the same placeholders in
 * both languages.
 */
const read = (name: string) => readFileSync(`public/drafts/${name}`, "utf8");

describe("the drafts of the information pages", () => {
	it("are one per page and language, nothing else", () => {
		const expected = INFO_PAGES.flatMap((slug) => [`${slug}.en.txt`, `${slug}.fr.txt`]).sort();
		expect(readdirSync("public/drafts").sort()).toEqual(expected);
	});

	it.each(INFO_PAGES)(
		"%s says it is a draft on its first line, a mark that keeps it unpublished",
		(slug) => {
			for (const lang of ["en", "fr"]) {
				const first = read(`${slug}.${lang}.txt`).split("\n")[0] ?? "";
				expect(DRAFT_MARKS.some((mark) => first.startsWith(mark))).toBe(true);
			}
		},
	);

	it.each(INFO_PAGES)("%s has the same placeholders and gaps in English and French", (slug) => {
		const placeholders = (text: string) =>
			[...text.matchAll(/\{[a-z]+\}/g)].map((m) => m[0]).sort();
		const gaps = (text: string) => text.match(/\((to complete|à compléter)/g)?.length ?? 0;
		const en = read(`${slug}.en.txt`);
		const fr = read(`${slug}.fr.txt`);
		expect(placeholders(fr)).toEqual(placeholders(en));
		expect(gaps(fr)).toBe(gaps(en));
	});
});
