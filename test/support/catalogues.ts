import en from "../../public/i18n/en.json" with { type: "json" };
import fr from "../../public/i18n/fr.json" with { type: "json" };
import type { Locale, Messages } from "../../src/i18n/catalogues.ts";

/** The catalogues as the worker reads them (public/i18n), for tests to name the texts they expect. */
export const CATALOGUES: Record<Locale, Messages> = { en, fr };
