/**
 * The opened product's file (SPEC 17): what its buyers download once they have
 * paid, uploaded here (at most 100 MB) or removed. Sent through the detail's
 * `change` (admin-product-detail.js); a refusal is said beside the field.
 */
import { productPath } from "./admin-product-fields.js";
import { chosenFile, downloadProblem } from "./admin-upload.js";
import { byId, h, replaceChildren } from "./dom.js";
import { clearFieldErrors, tell } from "./form-feedback.js";
import { button, formField, formStatus, submit } from "./ui.js";

export function fileForm() {
	return h(
		"form",
		{ id: "product-file-form", class: "catalog-form", novalidate: true },
		h("div", { id: "product-file-now", class: "small" }),
		formField(
			{
				id: "product-file",
				label: "File to download",
				hint: "At most 100 MB. Buyers get a link on the order page and in the confirmation e-mail: 7 days, 5 downloads. It replaces the file shown.",
			},
			h("input", { name: "file", type: "file" }),
		),
		h(
			"div",
			{ class: "form-actions" },
			submit("Upload file"),
			button("Remove file", { id: "remove-product-file" }),
			formStatus("product-file-status"),
		),
	);
}

/** "2.4 MB", "830 KB", "120 bytes". */
function sizeText(bytes) {
	if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
	if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} KB`;
	return `${bytes} bytes`;
}

/**
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   change: (form: HTMLElement, formStatus: HTMLElement, inputs: object, prefix: string,
 *     send: (product: any) => Promise<any>, success: (updated: any, before: any) => string) => void,
 * }} deps the console's request, and how the opened product is changed
 * @returns `show(product)` and `clear()`
 */
export function productFile({ admin, change }) {
	const form = byId("product-file-form");
	const input = byId("product-file");
	const now = byId("product-file-now");
	const remove = byId("remove-product-file");
	const inputs = { file: input, name: input };

	form.addEventListener("submit", (event) => {
		event.preventDefault();
		const formStatus = byId("product-file-status");
		const file = chosenFile(input, formStatus, {
			problemOf: downloadProblem,
			what: "a file",
			inputs,
		});
		if (!file) return;
		change(
			form,
			formStatus,
			inputs,
			"Not uploaded",
			(p) =>
				admin(`${productPath(p, "/file")}?name=${encodeURIComponent(file.name)}`, {
					method: "POST",
					body: file,
				}),
			() => {
				form.reset();
				return "Uploaded: every buyer's link opens this file from now on, links already sent included.";
			},
		);
	});

	// Two presses: removing it ends every buyer's downloads, and an order paid meanwhile gets none.
	let armed = false;
	const disarm = () => {
		armed = false;
		remove.textContent = "Remove file";
	};
	remove.addEventListener("click", () => {
		const formStatus = byId("product-file-status");
		if (!armed) {
			armed = true;
			remove.textContent = "Press again to remove it";
			tell(
				formStatus,
				"Removing it stops every buyer's download link, and orders paid until you upload another file get none. Press again to remove it.",
			);
			return;
		}
		disarm();
		change(
			form,
			formStatus,
			inputs,
			"Not removed",
			(p) => admin(productPath(p, "/file"), { method: "DELETE" }),
			() =>
				"Removed: buyers' links open no file until you upload one again; deactivate the product if it is no longer sold.",
		);
	});
	remove.addEventListener("blur", () => {
		if (armed) disarm();
	});

	return {
		show(product) {
			const file = product.file;
			remove.hidden = !file;
			replaceChildren(
				now,
				file
					? h("p", {}, "Buyers download ", h("strong", {}, file.name), ` (${sizeText(file.size)}).`)
					: h("p", { class: "muted" }, "No file: nothing is downloaded after payment."),
			);
		},
		clear() {
			form.reset();
			clearFieldErrors(inputs);
		},
	};
}
