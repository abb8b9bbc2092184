import type { Deps } from "../deps.ts";
import { removeReplaced, storeImage } from "../media/images.ts";
import { productField, updateProduct } from "./catalog-admin.ts";

/**
 * `POST /admin/products/:id/image`: the picture stored in R2 under a key named
 * by its content (`products/<id>/<sha-256>.<ext>`, so its URL can be cached for
 * good), then the product pointed at it, audited like any edit. The picture it
 * replaces is removed once the product no longer names it.
 */
export async function setProductImage(
	deps: Deps,
	media: R2Bucket,
	id: string,
	upload: { type: string | undefined; body: ArrayBuffer },
	actor: string,
) {
	const before = await productField(deps.db, id, "imageUrl");
	const imageUrl = await storeImage(media, `products/${id}`, upload);
	const product = await updateProduct(deps, id, { imageUrl }, actor);
	const removed = removeReplaced(media, before, imageUrl);
	if (removed) deps.defer(removed);
	return product;
}
