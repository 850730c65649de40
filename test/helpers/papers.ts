/** Test helper: build papers and records with only the fields a test cares about. */
import { blankPaper, type Paper, type PaperRecord, type SourceName } from '../../src/domain/paper.js';

export function paper(id: string, fields: Partial<Paper> = {}, source: SourceName = 'arxiv-atom'): Paper {
  const isLocal = id.startsWith('local-');
  return { ...blankPaper(id, source), arxivId: isLocal ? null : id, title: `Paper ${id}`, ...fields };
}

export function record(p: Paper, daily: PaperRecord['daily'] = null, org: PaperRecord['org'] = null): PaperRecord {
  return { paper: p, daily, org };
}
