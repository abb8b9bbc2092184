/**
 * The console's Shop tab (SPEC 17): the shop's identity as every page, e-mail
 * and Stripe's page show it — name, contact e-mail, legal name and address,
 * accent colour, tax-inclusive prices — saved whole with `PUT /admin/shop`, and
 * its logo (admin-shop-logo.js). A refusal is shown beside the field the API
 * names in `error.field`.
 */
import { shopLogo } from "./admin-shop-logo.js";
import { latestRequest } from "./admin-view.js";
import { h, say } from "./dom.js";
import { clearFieldErrors, refuse, tell } from "./form-feedback.js";
import { checkBox, formActions, formField, liveLine, submit, textInput } from "./ui.js";

const ACCENT = /^#[0-9a-f]{6}$/i;

/**
 * The API's message in the owner's words, beside its field: "accentColor: accentColor
 * is too light…" becomes "Too light…", as a sentence.
 */
function ownerWords(message, field) {
	const text = message
		.replace(/^[a-zA-Z]+:\s*/, "")
		.replace(new RegExp(`^${field}\\s+(is\\s+)?`), "");
	const sentence = text.charAt(0).toUpperCase() + text.slice(1);
	return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/**
 * @param {HTMLElement} panel the tab's panel
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   loaded: Set<string>,
 * }} deps what admin.js shares
 */
export function shopTab(panel, { admin, isHandled, messageOf, loaded }) {
	const logo = shopLogo({ admin, isHandled, messageOf });
	const taxCheck = checkBox({
		id: "shop-prices-include-tax",
		name: "pricesIncludeTax",
		label: "Prices include tax (shown “incl. VAT”, as EU shoppers expect)",
	});
	/** The inputs by the API's field names (what `error.field` names). */
	const inputs = {
		name: textInput("name", { maxlength: 100, required: true }),
		contactEmail: h("input", {
			name: "contactEmail",
			type: "email",
			autocomplete: "off",
			spellcheck: "false",
			maxlength: 254,
		}),
		legalName: textInput("legalName", { maxlength: 200 }),
		legalAddress: h("textarea", { name: "legalAddress", rows: 3, maxlength: 500 }),
		accentColor: textInput("accentColor", {
			maxlength: 7,
			spellcheck: "false",
			placeholder: "#13603d",
		}),
		pricesIncludeTax: taxCheck.querySelector("input"),
	};
	const status = liveLine("shop-status");
	const said = "shop-form-status";
	const form = h(
		"form",
		{ id: "shop-form", class: "catalog-form", novalidate: true },
		h(
			"div",
			{ class: "catalog-fields" },
			formField(
				{ id: "shop-name", label: "Shop name", hint: "On every page, e-mail and Stripe's page." },
				inputs.name,
			),
			formField(
				{
					id: "shop-contact-email",
					label: "Contact e-mail",
					hint: "Where shoppers' replies go, and the pages' contact link. Optional.",
				},
				inputs.contactEmail,
			),
			formField(
				{ id: "shop-legal-name", label: "Legal name", hint: "The company that sells. Optional." },
				inputs.legalName,
			),
			formField(
				{
					id: "shop-legal-address",
					label: "Legal address",
					hint: "Shown in every page's footer. Optional.",
					wide: true,
				},
				inputs.legalAddress,
			),
			formField(
				{
					id: "shop-accent-color",
					label: "Accent colour",
					hint: "Like #1f6f4a, dark enough for white text on it. Empty: the shop's green.",
				},
				inputs.accentColor,
			),
			h(
				"div",
				{ class: "field field-checks" },
				taxCheck,
				h("p", { id: "shop-prices-include-tax-error", class: "field-error small" }),
			),
		),
		formActions(submit("Save the shop"), said),
	);
	panel.append(
		h("h2", { class: "panel-heading" }, "The shop"),
		status,
		h("section", { class: "panel catalog-panel", "aria-label": "The shop's identity" }, form),
		logo.section,
	);
	const formStatus = form.querySelector(`#${said}`);
	const button = form.querySelector("button[type=submit]");
	const requests = latestRequest();

	function fill(shop) {
		inputs.name.value = shop.name ?? "";
		inputs.contactEmail.value = shop.contactEmail ?? "";
		inputs.legalName.value = shop.legalName ?? "";
		inputs.legalAddress.value = shop.legalAddress ?? "";
		inputs.accentColor.value = shop.accentColor ?? "";
		inputs.pricesIncludeTax.checked = Boolean(shop.pricesIncludeTax);
		logo.show(shop);
	}

	async function load() {
		loaded.add(panel.id);
		const request = requests.next();
		say(status, "Loading the shop…");
		try {
			const shop = await admin("/admin/shop", { signal: request });
			if (request.aborted) return;
			fill(shop);
			say(
				status,
				shop.updatedAt
					? ""
					: "Not saved yet: the shop uses SHOP_NAME and CONTACT_EMAIL from wrangler.toml.",
			);
		} catch (err) {
			if (request.aborted) return;
			loaded.delete(panel.id);
			if (!isHandled(err)) say(status, `Could not load the shop: ${messageOf(err)}`);
		}
	}

	form.addEventListener("submit", async (event) => {
		event.preventDefault();
		clearFieldErrors(inputs);
		const problems = [];
		const name = inputs.name.value.trim();
		if (!name) problems.push([inputs.name, "Enter the shop's name."]);
		const accent = inputs.accentColor.value.trim();
		if (accent && !ACCENT.test(accent))
			problems.push([inputs.accentColor, "Enter a colour like #1f6f4a, or leave it empty."]);
		if (problems.length) {
			refuse(formStatus, "Not saved", problems);
			return;
		}
		const body = {
			name,
			contactEmail: inputs.contactEmail.value.trim() || null,
			legalName: inputs.legalName.value.trim() || null,
			legalAddress: inputs.legalAddress.value.trim() || null,
			accentColor: accent || null,
			pricesIncludeTax: inputs.pricesIncludeTax.checked,
		};
		button.disabled = true;
		tell(formStatus, "Saving…");
		try {
			const saved = await admin("/admin/shop", { method: "PUT", body });
			fill(saved);
			say(status, "");
			tell(formStatus, "Saved: the pages, the e-mails and Stripe's page use it now.");
		} catch (err) {
			if (isHandled(err)) return;
			const field = err?.details?.field;
			const input = typeof field === "string" ? inputs[field] : null;
			const message = ownerWords(messageOf(err), field);
			if (input) refuse(formStatus, "Not saved", [[input, message]]);
			else tell(formStatus, `Not saved: ${messageOf(err)}`, { error: true });
		} finally {
			button.disabled = false;
		}
	});

	return {
		load,
		reset() {
			requests.next();
			form.reset();
			clearFieldErrors(inputs);
			tell(formStatus, "");
			status.textContent = "";
			logo.reset();
		},
	};
}
