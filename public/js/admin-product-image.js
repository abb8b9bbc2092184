/**
 * The opened product's picture: what the storefront shows now (or that it shows
 * a plain tile), and a form to upload a JPEG, PNG or WebP of at most 5 MB,
 * sent through the detail's `change` (admin-product-detail.js). The worker
 * checks the type and size again; a refusal is said beside the field.
 */
import { productPath } from "./admin-product-fields.js";
import { chosenFile, PICTURE_TYPES, pictureProblem } from "./admin-upload.js";
import { byId, h, replaceChildren } from "./dom.js";
import { clearFieldErrors } from "./form-feedback.js";
import { formActions, formField, submit } from "./ui.js";

export function imageForm() {
	return h(
		"form",
		{ id: "product-image-form", class: "catalog-form", novalidate: true },
		h("div", { id: "product-image-now", class: "product-image-now" }),
		formField(
			{
				id: "product-image",
				label: "New picture",
				hint: "JPEG, PNG or WebP, at most 5 MB; it replaces the one shown.",
			},
			h("input", { name: "image", type: "file", accept: PICTURE_TYPES.join(",") }),
		),
		formActions(submit("Upload picture"), "product-image-status"),
	);
}

/**
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   change: (form: HTMLElement, formStatus: HTMLElement, inputs: object, prefix: string,
 *     send: (product: any) => Promise<any>, success: (updated: any, before: any) => string) => void,
 * }} deps the console's request, and how the opened product is changed
 * @returns `show(product)` and `clear()`
 */
export function productImage({ admin, change }) {
	const form = byId("product-image-form");
	const input = byId("product-image");
	const now = byId("product-image-now");
	const inputs = { image: input };

	form.addEventListener("submit", (event) => {
		event.preventDefault();
		const formStatus = byId("product-image-status");
		const file = chosenFile(input, formStatus, {
			problemOf: pictureProblem,
			what: "a picture",
			inputs,
		});
		if (!file) return;
		change(
			form,
			formStatus,
			inputs,
			"Not uploaded",
			(p) => admin(productPath(p, "/image"), { method: "POST", body: file }),
			() => {
				form.reset();
				return "Uploaded: the storefront and Stripe's page show it now.";
			},
		);
	});

	return {
		show(product) {
			replaceChildren(
				now,
				product.imageUrl
					? h("img", {
							src: product.imageUrl,
							alt: `${product.name}, as the storefront shows it`,
							width: 160,
							height: 100,
						})
					: h("p", { class: "small muted" }, "No picture: the storefront shows a plain tile."),
			);
		},
		clear() {
			form.reset();
			clearFieldErrors(inputs);
		},
	};
}
