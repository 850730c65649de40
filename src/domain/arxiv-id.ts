/**
 * arXiv identifiers: parse, normalize, and recognise them in URLs.
 *
 * Goals: accept every way an id reaches us (bare "2405.15738v2", old-style
 * "hep-th/9901001", "arXiv:2405.15738", abs/pdf/HF paper URLs) and return the
 * id without version plus the version. Non-goals: checking an id exists.
 */

export interface ArxivId {
  /** Without version: "2405.15738" or "hep-th/9901001". */
  id: string;
  /** Version number, or null when none was given. */
  version: number | null;
}

// New style (since 2007-04): YYMM.NNNN (to 2014) or YYMM.NNNNN; old style: archive(.SUB)/YYMMNNN.
const NEW_STYLE = /^(\d{4}\.\d{4,5})(?:v(\d+))?$/;
const OLD_STYLE = /^([a-z][a-z-]*(?:\.[A-Z]{2})?\/\d{7})(?:v(\d+))?$/;

/** Parses a bare id (optionally prefixed "arXiv:"); null when it is not one. */
export function parseArxivId(raw: string): ArxivId | null {
  const s = raw.trim().replace(/^arxiv:/i, '');
  const m = NEW_STYLE.exec(s) ?? OLD_STYLE.exec(s);
  if (!m) return null;
  return { id: m[1], version: m[2] ? Number(m[2]) : null };
}

/**
 * Finds an arXiv id in what a user pasted: a bare id, or an arxiv.org
 * abs/pdf/html URL, or a Hugging Face papers URL. Null when there is none.
 */
export function arxivIdFromInput(raw: string): ArxivId | null {
  const s = raw.trim();
  const bare = parseArxivId(s);
  if (bare) return bare;
  const url = /^(?:https?:\/\/)?(?:www\.|export\.)?(?:arxiv\.org\/(?:abs|pdf|html)|huggingface\.co\/papers|hf\.co\/papers)\/([^?#\s]+?)(?:\.pdf)?\/?(?:[?#].*)?$/i.exec(s);
  if (!url) return null;
  return parseArxivId(decodeURIComponent(url[1]));
}

/** Extracts the id from an Atom entry id such as "http://arxiv.org/abs/1111.2011v2". */
export function arxivIdFromAbsUrl(url: string): ArxivId | null {
  const m = /arxiv\.org\/abs\/(.+)$/i.exec(url.trim());
  return m ? parseArxivId(m[1]) : null;
}
