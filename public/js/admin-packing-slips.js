/**
 * Packing slips (SPEC 17), printed from the console: one order's (its dialog)
 * or the list's as shown (`GET /admin/packing-slips?ids=`, at most 50). Read
 * with the token, never a token in an address, and opened in a window of their
 * own with the browser's print view.
 */
import { tell } from "./form-feedback.js";

/**
 * @param {{ admin: Function, isHandled: (err: unknown) => boolean, messageOf: (err: unknown) => string }} deps
 * @param {string} path the slips' route
 * @param {HTMLElement} status where the outcome is said
 */
export async function printSlips({ admin, isHandled, messageOf }, path, status) {
	// Opened now, while the click still counts as the owner's: a window opened later is blocked.
	const view = window.open("", "_blank");
	if (!view) {
		tell(status, "The browser blocked the new window: allow pop-ups for the console.", {
			error: true,
		});
		return;
	}
	tell(status, "Opening…");
	try {
		const page = await admin(path, { answer: "text" });
		view.document.open();
		view.document.write(page);
		view.document.close();
		view.addEventListener("load", () => view.print(), { once: true });
		tell(status, "Opened in a new window, with the print view.");
	} catch (err) {
		view.close();
		if (isHandled(err)) return;
		tell(status, `Could not open it: ${messageOf(err)}`, { error: true });
	}
}
