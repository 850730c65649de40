/**
 * The interim lexical engine of a process whose block-max index was never
 * built in its folder: it answers with the backend's own full-text engine
 * (PostgreSQL's weighted tsvector, written with every paper, so always
 * current) while the index is built in the background, and hands every
 * request to the index once the index is built and nearly current.
 *
 * Goals: a fresh node on a large database answers every search with complete
 * results at once, instead of answering from a half-built index for minutes;
 * the switch happens between two requests and never goes back. Non-goals:
 * equal ranking during the interim (the fallback ranks with ts_rank; see
 * store/postgres/postgres-search.ts), building the index (block-max-engine.ts).
 */
import type { LexicalEngine, LexicalRequest, LexicalResult } from '../store/lexical-engine.js';

export class InterimEngine implements LexicalEngine {
  private switched = false;

  /**
   * `built` says whether `primary` may answer now; asked before requests until it says yes once.
   */
  constructor(private readonly fallback: LexicalEngine, private readonly primary: LexicalEngine,
    private readonly built: () => Promise<boolean>) {}

  get name(): string {
    return this.switched ? this.primary.name : `${this.fallback.name} (while the ${this.primary.name} index builds)`;
  }

  /** Whether the index answers now. */
  get usingIndex(): boolean {
    return this.switched;
  }

  private async target(): Promise<LexicalEngine> {
    return (await this.building()) ? this.fallback : this.primary;
  }

  /** Whether the fallback still answers (the index is not built or not yet nearly current). */
  async building(): Promise<boolean> {
    if (!this.switched && await this.built()) this.switched = true;
    return !this.switched;
  }

  async search(req: LexicalRequest): Promise<LexicalResult> {
    return (await this.target()).search(req);
  }

  async documentFrequencies(words: string[], cap?: number): Promise<{ docs: number; df: number[] }> {
    return (await this.target()).documentFrequencies(words, cap);
  }

  /**
   * The index's backlog once it answers. Before, the larger of the index's own backlog (not built:
   * every change in the feed) and the fallback's (PostgreSQL: papers whose search vectors are not
   * filled yet — after migrate-db or a bulk import, every paper). /readyz also says 503 while
   * building() — a node answering from the fallback is not ready for a load balancer's share of
   * traffic: on the cluster bench, 4 processes on one PostgreSQL, the two started last were
   * "ready" on filled vectors alone, answered from the fallback, loaded the database with its
   * counts and rankings, and never finished their own index builds (0 answers and 8 timeouts each
   * in 30 s).
   */
  async lag(): Promise<number> {
    const primary = this.primary.lag ? await this.primary.lag() : 0;
    if (!(await this.building())) return primary;
    return Math.max(primary, this.fallback.lag ? await this.fallback.lag() : 0);
  }

  async close(): Promise<void> {
    await this.primary.close?.();
    await this.fallback.close?.();
  }
}
