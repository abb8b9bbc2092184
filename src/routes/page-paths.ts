/** The worker's HTML pages: the path asked for, and the file in public/ that answers it. */
export const PAGES = {
	"/": "/index.html",
	"/index.html": "/index.html",
	"/success.html": "/success.html",
	"/cancel.html": "/cancel.html",
	"/pay.html": "/pay.html",
	"/account.html": "/account.html",
	"/admin.html": "/admin.html",
} as const;
