/**
 * What the console's upload forms share: the file chosen, checked here before
 * it is sent (the worker checks it again), its problem said beside the field.
 */
import { clearFieldErrors, refuse } from "./form-feedback.js";

/** The pictures the worker takes (SPEC 17: products' and the logo), as their `accept`. */
export const PICTURE_TYPES = ["image/jpeg", "image/png", "image/webp"];
const MAX_PICTURE_BYTES = 5 * 1024 * 1024;
const MAX_FILE_BYTES = 100 * 1024 * 1024;

/** A picture's problem, or null. */
export function pictureProblem(file) {
	if (!PICTURE_TYPES.includes(file.type)) return "Choose a JPEG, PNG or WebP picture.";
	if (file.size > MAX_PICTURE_BYTES) return "This picture is over 5 MB: make it smaller first.";
	return null;
}

/** A file to download's problem, or null. */
export function downloadProblem(file) {
	if (file.size === 0) return "This file is empty.";
	if (file.size > MAX_FILE_BYTES) return "This file is over 100 MB.";
	return null;
}

/**
 * The file chosen in `input`, or null once why it cannot be sent (none chosen,
 * `problemOf` it) is said beside the field and in the form's status.
 */
export function chosenFile(input, formStatus, { problemOf, what, inputs = { file: input } }) {
	clearFieldErrors(inputs);
	const file = input.files?.[0];
	const problem = file ? problemOf(file) : `Choose ${what} first.`;
	if (!problem) return file;
	refuse(formStatus, "Not uploaded", [[input, problem]]);
	return null;
}
