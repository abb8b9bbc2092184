/**
 * The Shop tab's logo (SPEC 17): the one every page's header shows now (or the
 * shop's mark), a form to upload a JPEG, PNG or WebP of at most 5 MB
 * (`POST /admin/shop/logo`, checked again by the worker) and a button to go
 * back to the mark (`DELETE /admin/shop/logo`).
 */
import { chosenFile, PICTURE_TYPES, pictureProblem } from "./admin-upload.js";
import { h, replaceChildren } from "./dom.js";
import { clearFieldErrors, refuse, tell } from "./form-feedback.js";
import { button, formActions, formField, submit } from "./ui.js";

/**
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 * }} deps what admin.js shares
 * @returns the section, `show(shop)` and `reset()`
 */
export function shopLogo({ admin, isHandled, messageOf }) {
	const input = h("input", { name: "logo", type: "file", accept: PICTURE_TYPES.join(",") });
	const inputs = { logo: input };
	const now = h("div", { id: "shop-logo-now", class: "product-image-now" });
	const remove = button("Use the shop's mark instead", { id: "shop-logo-remove", small: true });
	const said = "shop-logo-status";
	const upload = submit("Upload logo");
	const form = h(
		"form",
		{ id: "shop-logo-form", class: "catalog-form", novalidate: true },
		now,
		formField(
			{
				id: "shop-logo",
				label: "New logo",
				hint: "JPEG, PNG or WebP, at most 5 MB; shown 28 pixels high beside the shop's name.",
			},
			input,
		),
		formActions(upload, said),
		h("p", {}, remove),
	);
	const formStatus = form.querySelector(`#${said}`);

	function show(shop) {
		replaceChildren(
			now,
			shop.logoUrl
				? h("img", { src: shop.logoUrl, alt: "The shop's logo, as the pages show it", height: 56 })
				: h("p", { class: "small muted" }, "No logo: the pages show the shop's mark."),
		);
		remove.hidden = !shop.logoUrl;
	}

	async function send(request, success) {
		upload.disabled = true;
		remove.disabled = true;
		tell(formStatus, "Saving…");
		try {
			show(await request());
			form.reset();
			tell(formStatus, success);
		} catch (err) {
			if (isHandled(err)) return;
			refuse(formStatus, "Not saved", [[input, messageOf(err)]]);
		} finally {
			upload.disabled = false;
			remove.disabled = false;
		}
	}

	form.addEventListener("submit", (event) => {
		event.preventDefault();
		const file = chosenFile(input, formStatus, {
			problemOf: pictureProblem,
			what: "a picture",
			inputs,
		});
		if (!file) return;
		send(
			() => admin("/admin/shop/logo", { method: "POST", body: file }),
			"Uploaded: every page's header shows it now.",
		);
	});
	remove.addEventListener("click", () => {
		clearFieldErrors(inputs);
		send(
			() => admin("/admin/shop/logo", { method: "DELETE" }),
			"Removed: the pages show the shop's mark.",
		);
	});

	return {
		section: h(
			"section",
			{ class: "panel catalog-panel", "aria-labelledby": "shop-logo-heading" },
			h("h3", { id: "shop-logo-heading" }, "Logo"),
			form,
		),
		show,
		reset() {
			form.reset();
			clearFieldErrors(inputs);
			tell(formStatus, "");
		},
	};
}
