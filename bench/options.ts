/*
 * bench/options.ts — the flags of `npm run bench -- …`. `--quick` shrinks every size and
 * round count for development; explicit flags still win over it.
 */

export const SECTIONS = ["inventory", "cli", "abort", "bulk", "instances", "scaling", "cost", "browser"] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  quick: boolean;
  /** Uploads inventoried (also the concurrency sweep's size; ≥ 8,000 adds a scaling point). */
  uploads: number;
  /** Requests in flight for lib vs raw comparisons; default: the app's RECLAIM_S3_CONCURRENCY. */
  concurrency: number;
  /** Repetitions per timed inventory; the median counts. */
  rounds: number;
  /** Uploads each CLI tool is run over before extrapolating (process start-up dominates). */
  sample: number;
  /** Uploads aborted by each side of the bulk comparison. */
  bulk: number;
  /** Sections to run, in the fixed order of SECTIONS. */
  only: Section[];
}

export const USAGE = `usage: npm run bench -- [--quick] [--uploads N] [--concurrency C] [--rounds R]
                       [--sample S] [--bulk B] [--only ${SECTIONS.join(",")}]`;

export function parseArgs(argv: string[], defaultConcurrency: number): BenchOptions {
  const quick = argv.includes("--quick");
  const options: BenchOptions = {
    quick,
    uploads: quick ? 300 : 2_000,
    concurrency: defaultConcurrency,
    rounds: quick ? 2 : 5,
    sample: quick ? 10 : 50,
    bulk: quick ? 200 : 1_000,
    only: [...SECTIONS],
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--quick") continue;
    const text = argv[++i];
    if (flag === "--only") {
      const wanted = (text ?? "").split(",");
      if (!wanted.every((s) => (SECTIONS as readonly string[]).includes(s))) throw new Error(USAGE);
      options.only = SECTIONS.filter((s) => wanted.includes(s));
      continue;
    }
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(USAGE);
    if (flag === "--uploads") options.uploads = value;
    else if (flag === "--concurrency") options.concurrency = value;
    else if (flag === "--rounds") options.rounds = value;
    else if (flag === "--sample") options.sample = value;
    else if (flag === "--bulk") options.bulk = value;
    else throw new Error(USAGE);
  }
  return options;
}
