import { fileOf } from "../../domain/downloads.ts";
import { AppError } from "../../lib/errors.ts";
import type { Deps } from "../deps.ts";
import { invalidProduct, productField, updateProduct } from "./catalog-admin.ts";

/** The largest file an owner may sell: what a Worker may receive in one request. */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;

/** A file's name as a buyer's browser saves it: no path, no control characters. */
const fileNameOk = (name: string) =>
	name.length <= 200 && !/[/\\]/.test(name) && ![...name].some((ch) => ch < " " || ch === "\x7f");
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

export type FileUpload = {
	name: string | undefined;
	type: string | undefined;
	/** Its Content-Length: R2 takes a stream only when its length is known. */
	size: number | null;
	body: ReadableStream | null;
};

/**
 * `POST /admin/products/:id/file`: what buyers of the product download (SPEC
 * 17), streamed into R2 under a random key of `files/` (never served by
 * `/media`: only a download link opens it), then the product pointed at it,
 * audited like any edit. The file it replaces is removed.
 */
export async function setProductFile(
	deps: Deps,
	media: R2Bucket,
	id: string,
	upload: FileUpload,
	actor: string,
) {
	const name = upload.name?.trim();
	if (!name || !fileNameOk(name))
		throw invalidProduct("name", "Give the file's name (?name=guide.pdf), without a path.");
	const type = upload.type?.split(";")[0]?.trim().toLowerCase() || "application/octet-stream";
	if (!MEDIA_TYPE.test(type)) throw invalidProduct("type", "The Content-Type is not a media type.");
	if (upload.size === null || !upload.body)
		throw new AppError("invalid_request", "Send the file as the body, with its Content-Length.");
	if (upload.size === 0) throw invalidProduct("file", "The file is empty.");
	if (upload.size > MAX_FILE_BYTES)
		throw new AppError("payload_too_large", "The file is over 100 MB.");
	const before = await productField(deps.db, id, "file");
	const key = `files/${id}/${crypto.randomUUID()}`;
	await media.put(key, upload.body, { httpMetadata: { contentType: type } });
	const file = JSON.stringify({ key, name, type, size: upload.size });
	try {
		const product = await updateProduct(deps, id, { file }, actor);
		removeFile(deps, media, before);
		return product;
	} catch (err) {
		deps.defer(media.delete(key));
		throw err;
	}
}

/** `DELETE /admin/products/:id/file`: the product sells no file any more; links to it stop working. */
export async function removeProductFile(deps: Deps, media: R2Bucket, id: string, actor: string) {
	const before = await productField(deps.db, id, "file");
	const product = await updateProduct(deps, id, { file: null }, actor);
	removeFile(deps, media, before);
	return product;
}

function removeFile(deps: Deps, media: R2Bucket, column: string | null): void {
	const old = fileOf(column);
	if (old) deps.defer(media.delete(old.key));
}
