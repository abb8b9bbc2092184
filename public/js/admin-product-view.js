/**
 * A product as the console's Catalog tab draws it: its row in the list and its
 * audit trail (what changed, from → to, by whom). Drawing only.
 */
import { arrowTo, code, statusBadge } from "./admin-view.js";
import { byId, h, replaceChildren, say, srOnly, timeEl } from "./dom.js";
import { currencyLabel, formatMoney } from "./money.js";

export const FIELD_LABELS = {
	id: "Id",
	name: "Name",
	description: "Description",
	unitAmount: "Price",
	currency: "Currency",
	shippable: "Ships",
	stock: "Stock",
	taxCode: "Tax code",
	active: "On sale",
	imageUrl: "Picture",
	file: "Download",
	translations: "French",
	lowStockThreshold: "Low-stock alert",
};

const ACTION_LABELS = { create: "Created", update: "Edited", stock: "Stock" };

export const stockText = (stock) =>
	stock === null || stock === undefined ? "unlimited" : String(stock);

function cell(name, label, attrs, ...children) {
	return h("td", { ...attrs, dataset: { cell: name, label } }, ...children);
}

export function productRow(p) {
	return h(
		"tr",
		{ dataset: { productId: p.id }, class: p.active ? "" : "is-inactive" },
		cell(
			"product",
			"Product",
			{ class: "catalog-name" },
			h("span", { class: "product-title" }, p.name),
			h("code", { class: "mono small" }, p.id),
			// What French shoppers would read in English: the owner sees it at a glance.
			p.translations?.fr?.name
				? null
				: h("span", { class: "catalog-note small muted" }, "No French name yet"),
		),
		cell("price", "Price", { class: "num" }, formatMoney(p.unitAmount, p)),
		cell("status", "Status", {}, statusBadge(p.active ? "active" : "inactive")),
		cell(
			"shipping",
			"Shipping",
			{},
			p.shippable ? "Ships" : p.file ? "Download" : "Digital: no file",
		),
		cell(
			"stock",
			"Stock",
			{ class: "num" },
			stockText(p.stock),
			p.stock === 0 ? h("span", { class: "small muted" }, " (sold out)") : [],
		),
		cell("reserved", "Reserved", { class: "num" }, String(p.reserved ?? 0)),
		h(
			"td",
			{ class: "catalog-action" },
			h(
				"button",
				{ type: "button", class: "btn btn-secondary btn-small", dataset: { openProduct: p.id } },
				"Manage",
				srOnly(` ${p.name}`),
			),
		),
	);
}

/** A stored file (`{"key","name",…}`, as the audit keeps it) as its name. */
function fileName(value) {
	try {
		return JSON.parse(value ?? "null")?.name ?? "—";
	} catch {
		return "—";
	}
}

/** A stored translation (`{"fr":{"name"…}}`, as the audit keeps it) as the French name it gives. */
function frenchText(value) {
	try {
		const fr = JSON.parse(value ?? "null")?.fr;
		return fr?.name ?? (fr?.description ? "(a description)" : "—");
	} catch {
		return "—";
	}
}

function valueText(fieldName, value, product) {
	if (fieldName === "unitAmount" && Number.isInteger(value)) return formatMoney(value, product);
	if (fieldName === "stock") return stockText(value);
	if (fieldName === "currency" && typeof value === "string") return currencyLabel(value);
	if (fieldName === "translations") return frenchText(value);
	if (fieldName === "file") return fileName(value);
	if (typeof value === "boolean") return value ? "yes" : "no";
	if (value === null || value === undefined || value === "") return "—";
	return String(value);
}

function changeList(change, product) {
	const entries = Object.entries(change.changes ?? {});
	if (!entries.length) return "—";
	return h(
		"ul",
		{ class: "change-list" },
		entries.map(([name, { from, to }]) =>
			h(
				"li",
				{ dataset: { field: name } },
				h("span", { class: "change-field" }, FIELD_LABELS[name] ?? name),
				": ",
				change.action === "create"
					? valueText(name, to, product)
					: [valueText(name, from, product), ...arrowTo(), valueText(name, to, product)],
			),
		),
	);
}

export function renderChanges(product) {
	const changes = Array.isArray(product.changes) ? product.changes : [];
	replaceChildren(
		byId("product-changes"),
		changes.length
			? changes.map((c) =>
					h(
						"tr",
						{ dataset: { changeId: c.id, action: c.action } },
						h("td", { dataset: { label: "At" } }, timeEl(c.at)),
						h("td", { dataset: { label: "Change" } }, ACTION_LABELS[c.action] ?? c.action),
						h("td", { dataset: { label: "By" } }, code(c.actor)),
						h(
							"td",
							{ class: "wrap-text change-what", dataset: { label: "What changed" } },
							changeList(c, product),
						),
					),
				)
			: h("tr", {}, h("td", { colspan: 4 }, "No changes recorded.")),
	);
	say(byId("changes-status"), "");
}
