/** zod pieces of REST query strings, shared by the list routes. */
import { z } from 'zod';

/** An empty parameter (`?q=`) counts as absent. */
export const blankIsAbsent = (v: unknown) => (v === '' ? undefined : v);

/** An ISO 8601 date-time with a zone (`2024-05-01T08:00:00Z`, `…+08:00`) or a date (`2024-05-01`, midnight UTC), as ms. */
export const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((s) => Date.parse(s));

/** A page size: 1–100, default 20. */
export const pageLimit = z.preprocess(blankIsAbsent, z.coerce.number().int().min(1).max(100).default(20));
