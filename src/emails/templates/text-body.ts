import type { Locale } from "../../i18n/catalogues.ts";
import { webUrl } from "../../lib/web-url.ts";
import { type EmailModel, type Link, labelled, type Row } from "./model.ts";

/** The plain-text version: the same model, links written out in full. */
export function renderText(m: EmailModel): string {
	const blocks: string[] = [m.brand, m.heading, [m.greeting, ...m.paragraphs].join("\n")];
	if (m.notice) blocks.push(m.notice);
	if (m.action) blocks.push(link(m.locale, m.action));
	if (m.downloads) {
		const { heading, links, note } = m.downloads;
		blocks.push([heading, ...links.map((l) => link(m.locale, l)), note].join("\n"));
	}
	if (m.shipment) {
		const lines = [m.shipment.heading, ...rows(m.locale, m.shipment.rows)];
		if (m.shipment.link) lines.push(link(m.locale, m.shipment.link));
		blocks.push(lines.join("\n"));
	}
	if (m.order) {
		const { label, itemsHeading, items, totals } = m.order;
		blocks.push([label, itemsHeading, ...rows(m.locale, items)].join("\n"));
		blocks.push(rows(m.locale, totals).join("\n"));
	}
	if (m.address) blocks.push([m.address.heading, ...m.address.lines].join("\n"));
	if (m.status) blocks.push(link(m.locale, m.status));
	blocks.push(
		["--", m.footer, link(m.locale, m.shop), ...m.pages.map((p) => link(m.locale, p))].join("\n"),
	);
	return `${blocks.join("\n\n")}\n`;
}

function rows(locale: Locale, list: Row[]): string[] {
	return list.map((row) => labelled(locale, row.label, row.value));
}

function link(locale: Locale, l: Link): string {
	return labelled(locale, l.label, webUrl(l.url) ?? l.url);
}
