/**
 * The console's Pages tab (SPEC 17): the shop's terms of sale, returns and
 * withdrawal, privacy notice, legal notice and contact page, each written in
 * English and French and saved with `PUT /admin/pages/<slug>`. A page with
 * text is published at /pages/<slug> and linked from every footer and e-mail;
 * an empty one is not. "Start from a draft" fills the empty fields with the
 * starting texts in /drafts/, the shop's name, contact and prices put in:
 * drafts to review, marked as such; the worker refuses to publish a text that
 * still holds the draft's first line or one of its gaps.
 */
import { latestRequest } from "./admin-view.js";
import { h, replaceChildren, say } from "./dom.js";
import { clearFieldErrors, refuse, tell } from "./form-feedback.js";
import { button, formActions, formField, liveLine, submit } from "./ui.js";

const TITLES = {
	terms: "Terms of sale",
	returns: "Returns and withdrawal",
	privacy: "Privacy",
	legal: "Legal notice",
	contact: "Contact",
};
const LANGUAGES = [
	["en", "English"],
	["fr", "French"],
];
const MAX_TEXT = 20_000;

/** What a draft says of prices and of a missing contact, per language. */
const DRAFT_WORDS = {
	en: {
		included: "Prices include VAT.",
		added: "Taxes, where due, are added on the payment page.",
		noContact: "(your contact e-mail)",
	},
	fr: {
		included: "Les prix sont indiqués TTC.",
		added: "Les taxes éventuelles sont ajoutées sur la page de paiement.",
		noContact: "(votre adresse de contact)",
	},
};

/** A draft with the shop's own words put in (as the Shop tab has them now). */
function fillDraft(text, shop, lang) {
	const words = DRAFT_WORDS[lang];
	const seller = [shop.legalName ?? shop.name, shop.legalAddress?.replace(/\s*\n\s*/g, ", ")]
		.filter(Boolean)
		.join(", ");
	const email = shop.contactEmail
		? `[${shop.contactEmail}](mailto:${shop.contactEmail})`
		: words.noContact;
	return text
		.replaceAll("{seller}", seller)
		.replaceAll("{email}", email)
		.replaceAll("{prices}", shop.pricesIncludeTax ? words.included : words.added);
}

/** The API's refusal as the owner reads it: "en: en is still a draft…" becomes "This text is still a draft…". */
const ownerWords = (message) =>
	message.replace(/^(en|fr):\s*(en|fr)\s+/, "This text ").replace(/^[a-z]+:\s*/, "");

/**
 * @param {HTMLElement} panel the tab's panel
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   loaded: Set<string>,
 * }} deps what admin.js shares
 */
export function pagesTab(panel, { admin, isHandled, messageOf, loaded }) {
	const status = liveLine("pages-status");
	const termsNote = h("p", { id: "pages-terms-note", class: "small muted" });
	const list = h("div", { id: "pages-list", class: "pages-list" });
	panel.append(
		h("h2", { class: "panel-heading" }, "Pages"),
		h(
			"p",
			{ class: "small muted" },
			"Each page with text is published at /pages/… and linked from every page's footer and every e-mail; an empty one is not. Plain text: a blank line between paragraphs, “# ” before a heading, “- ” before each item of a list, [words](https://…) for a link.",
		),
		termsNote,
		status,
		list,
	);
	const requests = latestRequest();

	function pageForm(page) {
		const prefix = `page-${page.slug}`;
		const inputs = Object.fromEntries(
			LANGUAGES.map(([lang]) => [
				lang,
				h("textarea", { name: lang, rows: 8, maxlength: MAX_TEXT, spellcheck: "true", lang }),
			]),
		);
		for (const [lang] of LANGUAGES) inputs[lang].value = page[lang];
		const state = h("p", { id: `${prefix}-state`, class: "small" });
		const draft = button("Start from a draft", { id: `${prefix}-draft`, small: true });
		const saveButton = submit("Save page");
		const said = `${prefix}-status`;
		const form = h(
			"form",
			{ id: `${prefix}-form`, class: "catalog-form", novalidate: true },
			LANGUAGES.map(([lang, label]) =>
				formField({ id: `${prefix}-${lang}`, label, wide: true }, inputs[lang]),
			),
			formActions(saveButton, said),
		);
		const section = h(
			"section",
			{ class: "panel catalog-panel page-editor", "aria-labelledby": `${prefix}-heading` },
			h("h3", { id: `${prefix}-heading` }, TITLES[page.slug]),
			state,
			h("p", {}, draft),
			form,
		);
		const formStatus = form.querySelector(`#${said}`);

		function showState(p) {
			replaceChildren(
				state,
				p.published
					? [
							"Published at ",
							h("a", { href: `/pages/${p.slug}`, target: "_blank" }, `/pages/${p.slug}`),
						]
					: "Not published: no text yet, so no link to it anywhere.",
			);
			draft.hidden = Boolean(inputs.en.value.trim() && inputs.fr.value.trim());
		}
		showState(page);

		draft.addEventListener("click", async () => {
			draft.disabled = true;
			try {
				// The shop as it is now (the Shop tab may have changed it since this tab loaded).
				const shop = await admin("/admin/shop");
				for (const [lang] of LANGUAGES) {
					if (inputs[lang].value.trim()) continue;
					const res = await fetch(`/drafts/${page.slug}.${lang}.txt`);
					if (!res.ok) throw new Error(`the draft answered ${res.status}`);
					inputs[lang].value = fillDraft(await res.text(), shop, lang);
				}
				tell(
					formStatus,
					"Draft filled in: review it, complete what it leaves “(to complete)”, delete its first line, then save.",
				);
				// At its first line, which says it is a draft.
				inputs.en.focus();
				inputs.en.setSelectionRange(0, 0);
				inputs.en.scrollTop = 0;
			} catch (err) {
				if (isHandled(err)) return;
				tell(formStatus, `Could not load the draft: ${messageOf(err)}`, { error: true });
			} finally {
				draft.disabled = false;
			}
		});

		form.addEventListener("submit", async (event) => {
			event.preventDefault();
			clearFieldErrors(inputs);
			const long = LANGUAGES.find(([lang]) => inputs[lang].value.length > MAX_TEXT);
			if (long) {
				refuse(formStatus, "Not saved", [[inputs[long[0]], "At most 20,000 characters."]]);
				return;
			}
			saveButton.disabled = true;
			tell(formStatus, "Saving…");
			try {
				const saved = await admin(`/admin/pages/${page.slug}`, {
					method: "PUT",
					body: { en: inputs.en.value, fr: inputs.fr.value },
				});
				showState(saved);
				tell(
					formStatus,
					saved.published
						? "Saved: the page and its links show it now."
						: "Saved: the page is empty, so it is not published.",
				);
			} catch (err) {
				if (isHandled(err)) return;
				const input = inputs[err?.details?.field];
				if (input) refuse(formStatus, "Not saved", [[input, ownerWords(messageOf(err))]]);
				else tell(formStatus, `Not saved: ${messageOf(err)}`, { error: true });
			} finally {
				saveButton.disabled = false;
			}
		});
		return section;
	}

	async function load() {
		loaded.add(panel.id);
		const request = requests.next();
		say(status, "Loading the pages…");
		try {
			const pages = await admin("/admin/pages", { signal: request });
			if (request.aborted) return;
			say(
				termsNote,
				pages.requireTerms
					? "REQUIRE_TERMS is on: Stripe's page asks shoppers to accept the terms of sale once they are published."
					: "REQUIRE_TERMS is off: Stripe's page does not ask shoppers to accept the terms of sale.",
			);
			replaceChildren(list, pages.pages.map(pageForm));
			say(status, "");
		} catch (err) {
			if (request.aborted) return;
			loaded.delete(panel.id);
			if (!isHandled(err)) say(status, `Could not load the pages: ${messageOf(err)}`);
		}
	}

	return {
		load,
		reset() {
			requests.next();
			replaceChildren(list);
			say(status, "");
			say(termsNote, "");
		},
	};
}
