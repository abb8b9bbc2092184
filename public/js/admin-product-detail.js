/**
 * The product opened in the Catalog tab: what it is, whether it is on sale
 * (and the button that changes it), its stock forms (admin-product-stock.js),
 * its edit form (admin-product-edit.js) and its audit trail. Each change is
 * sent, then the product and its trail are read again.
 */

import { editProductForm, productEdit } from "./admin-product-edit.js";
import { productPath } from "./admin-product-fields.js";
import { fileForm, productFile } from "./admin-product-file.js";
import { imageForm, productImage } from "./admin-product-image.js";
import { productStock, stockForms } from "./admin-product-stock.js";
import { renderChanges, stockText } from "./admin-product-view.js";
import { code, field, giveFocusBack, latestRequest } from "./admin-view.js";
import { byId, h, replaceChildren, say, srOnly, timeEl } from "./dom.js";
import { tell } from "./form-feedback.js";
import { formatMoney } from "./money.js";
import { button, dataTable, formStatus, liveLine } from "./ui.js";

/** The detail's panel, hidden until a product is opened. */
export function productDetailSection() {
	return h(
		"section",
		{
			id: "product-detail",
			class: "panel detail",
			"aria-labelledby": "product-heading",
			tabindex: -1,
			hidden: true,
		},
		h(
			"div",
			{ class: "detail-head" },
			h("h2", { id: "product-heading" }, "Product"),
			button("Close", { id: "close-product", small: true }),
		),
		liveLine("product-status", { muted: false }),
		h("dl", { id: "product-fields", class: "fields" }),
		h("h3", {}, "On sale"),
		h(
			"div",
			{ class: "form-actions" },
			h("p", { id: "active-text", class: "active-text" }),
			button("Deactivate", { id: "toggle-active" }),
			formStatus("toggle-active-status"),
		),
		h("h3", {}, "Picture"),
		imageForm(),
		h("h3", {}, "Download"),
		fileForm(),
		h("h3", {}, "Stock"),
		stockForms(),
		h("h3", {}, "Edit"),
		editProductForm(),
		h("h3", {}, "Changes"),
		liveLine("changes-status"),
		dataTable({
			label: "Product changes table",
			caption: "Who changed this product, and what, newest first",
			columns: ["At", "Change", "By", "What changed"],
			bodyId: "product-changes",
			className: "changes-table stacked-table",
		}),
	);
}

/**
 * Makes the detail work, once its markup is in the page.
 *
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   refuseFromApi: (err: unknown, formStatus: HTMLElement, prefix: string, inputs: object, money?: object) => void,
 *   productOf: (id: string) => any,
 *   updateRow: (product: any) => void,
 *   onClosed: (id: string | undefined) => void,
 * }} deps the console's request; the tab's list (a product as listed, its row drawn again),
 *   and where the keyboard goes when the detail closes
 * @returns `open(id)`, `reload()` (the product opened read again) and `reset()`
 */
export function productDetail({
	admin,
	isHandled,
	messageOf,
	refuseFromApi,
	productOf,
	updateRow,
	onClosed,
}) {
	const detail = byId("product-detail");
	const detailStatus = byId("product-status");
	const changesBody = byId("product-changes");
	const changesStatus = byId("changes-status");
	const toggleActive = byId("toggle-active");

	/** The product opened, as last read. */
	let current = null;
	const detailRequests = latestRequest();
	const stock = productStock({ admin, change });
	const image = productImage({ admin, change });
	const file = productFile({ admin, change });
	const edit = productEdit({ admin, change, current: () => current });

	function showProduct(product) {
		current = product;
		byId("product-heading").textContent = product.name;
		replaceChildren(
			byId("product-fields"),
			field("Id", code(product.id)),
			field("Price", formatMoney(product.unitAmount, product)),
			field("Status", product.active ? "active: on sale" : "inactive: hidden from the storefront"),
			field("Shipping", product.shippable ? "Ships (physical goods)" : "Digital: nothing ships"),
			field("Stock", stockText(product.stock)),
			field("Reserved", `${product.reserved ?? 0} in open checkouts`),
			field("Tax code", code(product.taxCode)),
			field("Description", product.description || null),
			field("Created", timeEl(product.createdAt)),
			field("Updated", timeEl(product.updatedAt)),
		);
		byId("active-text").textContent = product.active
			? "On sale in the storefront."
			: "Hidden from the storefront; checkouts already open keep it.";
		toggleActive.textContent = product.active ? "Deactivate" : "Reactivate";
		toggleActive.append(srOnly(` ${product.name}`));
		edit.show(product);
		image.show(product);
		file.show(product);
		updateRow(product);
	}

	function clearStockForms() {
		stock.clear();
		image.clear();
		file.clear();
		tell(byId("toggle-active-status"), "");
	}

	/** Reads the product and its trail again; answers it, or null when it could not. */
	async function refresh(id) {
		const request = detailRequests.next();
		let product;
		try {
			product = await admin(productPath({ id }), { signal: request });
		} catch (err) {
			// A later read took its place: not an error of this one.
			if (request.aborted) return null;
			throw err;
		}
		if (request.aborted || current?.id !== id) return null;
		showProduct(product);
		renderChanges(product);
		return product;
	}

	async function open(id) {
		if (current?.id !== id) {
			clearStockForms();
			replaceChildren(changesBody);
		}
		current = productOf(id) ?? { id };
		detail.hidden = false;
		say(detailStatus, "Loading product…");
		say(changesStatus, "Loading changes…");
		try {
			if (await refresh(id)) {
				say(detailStatus, "");
				detail.focus();
			}
		} catch (err) {
			if (isHandled(err)) return;
			say(detailStatus, `Could not load product ${id}: ${messageOf(err)}`);
			say(changesStatus, "");
		}
	}

	byId("close-product").addEventListener("click", () => {
		const id = current?.id;
		detail.hidden = true;
		current = null;
		edit.forget();
		onClosed(id);
	});

	/**
	 * Sends a change to the product opened and shows what became of it next to
	 * `formStatus`: the product and its trail read again, or the refusal beside its field.
	 */
	async function change(form, formStatus, inputs, prefix, send, success) {
		const product = current;
		if (!product?.currency) return;
		const button = form instanceof HTMLButtonElement ? form : form.querySelector("[type=submit]");
		button.disabled = true;
		tell(formStatus, "Saving…");
		try {
			const updated = await send(product);
			if (current?.id !== product.id) {
				updateRow(updated);
				return;
			}
			showProduct(updated);
			tell(formStatus, success(updated, product));
			await refresh(product.id).catch((err) => {
				if (!isHandled(err)) say(changesStatus, `Could not load the changes: ${messageOf(err)}`);
			});
		} catch (err) {
			if (isHandled(err) || current?.id !== product.id) return;
			refuseFromApi(err, formStatus, prefix, inputs, product);
		} finally {
			button.disabled = false;
			if (current?.id === product.id) giveFocusBack(button, formStatus);
		}
	}

	toggleActive.addEventListener("click", () => {
		const product = current;
		if (!product?.currency) return;
		const active = !product.active;
		change(
			toggleActive,
			byId("toggle-active-status"),
			{},
			active ? "Not reactivated" : "Not deactivated",
			(p) => admin(productPath(p), { method: "PATCH", body: { active } }),
			(updated) =>
				updated.active ? "Reactivated: on sale again." : "Deactivated: hidden from the storefront.",
		);
	});

	/** The product opened, if it is shown, read again (the list was refreshed). */
	function reload() {
		if (current?.currency && !detail.hidden)
			refresh(current.id).catch((err) => {
				if (!isHandled(err)) say(detailStatus, `Could not load the product: ${messageOf(err)}`);
			});
	}

	/** Forgets the product opened (signed out). */
	function reset() {
		detailRequests.next();
		current = null;
		edit.forget();
		detail.hidden = true;
		clearStockForms();
		replaceChildren(changesBody);
		for (const el of [detailStatus, changesStatus]) el.textContent = "";
	}

	return { open, reload, reset };
}
