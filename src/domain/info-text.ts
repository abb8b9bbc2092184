import { html } from "hono/html";

/**
 * The owner's text of an information page (SPEC 17) as HTML: plain text with
 * a small Markdown subset, every character of it escaped.
 * - a blank line ends a paragraph; a single line break stays one;
 * - `# Heading` and `## Heading` start a section (h2, h3: the page's h1 is its title);
 * - lines each starting with `- ` are a list;
 * - `[words](https://…)`, `[words](mailto:…)` or `[words](/path)` is a link,
 *   and so is a bare `https://…` address; `**words**` is strong.
 * Nothing else is markup: `<b>` is shown as written.
 */
export function infoTextHtml(text: string): string {
	return text
		.replace(/\r\n?/g, "\n")
		.split(/\n\s*\n/)
		.map((block) => block.trim())
		.filter(Boolean)
		.map(blockHtml)
		.join("\n");
}

function blockHtml(block: string): string {
	const [first = "", ...rest] = block.split("\n").map((l) => l.trim());
	// A heading line starts the block; what follows it (without a blank line) is its own block.
	const heading = /^(#{1,2})\s+(.+)$/.exec(first);
	if (heading) {
		const tag = heading[1] === "#" ? "h2" : "h3";
		const after = rest.filter(Boolean);
		return `<${tag}>${inline(heading[2] ?? "")}</${tag}>${after.length > 0 ? `\n${blockHtml(after.join("\n"))}` : ""}`;
	}
	const lines = [first, ...rest];
	if (lines.every((l) => /^[-*]\s+/.test(l)))
		return `<ul>${lines.map((l) => `<li>${inline(l.replace(/^[-*]\s+/, ""))}</li>`).join("")}</ul>`;
	return `<p>${lines.map(inline).join("<br>")}</p>`;
}

/** Links and strong words in one line; the rest escaped. */
const INLINE =
	/\[([^\]\n]+)\]\(((?:https?:\/\/|mailto:)[^\s)"<>]+|\/(?!\/)[^\s)"<>]*)\)|\*\*([^*\n]+)\*\*|(https?:\/\/[^\s<>"')\]]+[^\s<>"')\].,;:!?])/g;

function inline(line: string): string {
	let out = "";
	let from = 0;
	for (const m of line.matchAll(INLINE)) {
		out += escaped(line.slice(from, m.index));
		const [all, words, href, strong, bare] = m;
		if (strong !== undefined) out += `<strong>${escaped(strong)}</strong>`;
		else out += html`<a href="${href ?? bare}">${words ?? bare}</a>`.toString();
		from = m.index + all.length;
	}
	return out + escaped(line.slice(from));
}

function escaped(text: string): string {
	return html`${text}`.toString();
}

/** Whether a page has something to show (a page with no text is not published). */
export function hasText(text: string | null | undefined): text is string {
	return Boolean(text?.trim());
}
