import { AppError } from "../../lib/errors.ts";

/**
 * Pictures the owner uploads (products' photos, the shop's logo), kept in R2
 * (`MEDIA`) under a key named by their content, so `/media/<key>` can be
 * cached for good.
 */

/** The largest picture an owner may upload (SPEC 17). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** The pictures a browser shows everywhere, by their first bytes (never by what the request says). */
const FORMATS = [
	{
		type: "image/jpeg",
		ext: "jpg",
		magic: (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
	},
	{
		type: "image/png",
		ext: "png",
		magic: (b: Uint8Array) =>
			[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, i) => b[i] === byte),
	},
	{
		type: "image/webp",
		ext: "webp",
		magic: (b: Uint8Array) => ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP",
	},
] as const;

function ascii(bytes: Uint8Array, from: number, to: number): string {
	return String.fromCharCode(...bytes.subarray(from, to));
}

/** The format of an upload: its declared type, confirmed by its first bytes; null: not one we take. */
export function imageFormat(declared: string | undefined, bytes: Uint8Array) {
	const type = declared?.split(";")[0]?.trim().toLowerCase();
	const format = FORMATS.find((f) => f.type === type);
	return format?.magic(bytes) ? format : null;
}

/** A picture checked (size, then format by its bytes) and stored under `<prefix>/<sha-256>.<ext>`: its URL. */
export async function storeImage(
	media: R2Bucket,
	prefix: string,
	upload: { type: string | undefined; body: ArrayBuffer },
): Promise<string> {
	if (upload.body.byteLength > MAX_IMAGE_BYTES)
		throw new AppError("payload_too_large", "The picture is over 5 MB: make it smaller.");
	const bytes = new Uint8Array(upload.body);
	const format = imageFormat(upload.type, bytes);
	if (!format)
		throw new AppError(
			"unsupported_media_type",
			"This file is not a JPEG, PNG or WebP picture (its Content-Type must say which).",
		);
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
	const hash = [...digest.subarray(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
	const key = `${prefix}/${hash}.${format.ext}`;
	await media.put(key, bytes, {
		httpMetadata: { contentType: format.type, cacheControl: "public, max-age=31536000, immutable" },
	});
	return `/media/${key}`;
}

/** The stored picture a URL named, once nothing names it any more (a picture replaced). */
export function removeReplaced(
	media: R2Bucket,
	before: string | null | undefined,
	now: string | null,
): Promise<void> | null {
	if (!before?.startsWith("/media/") || before === now) return null;
	return media.delete(before.slice("/media/".length));
}
