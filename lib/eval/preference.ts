/** One judged item, as the statistics see it: what the win rates (winrate.ts) and the length-controlled fit (length-control.ts) both read. */
export interface PreferenceRecord {
  id: string;
  /** 1 = model better, 0 = baseline better, 0.5 = tie. */
  preference: number;
  cluster?: string;
  task?: string;
  /** Items sharing an instruction share a difficulty term in the length-controlled fit. */
  instruction?: string;
  /** Output lengths (characters) of the model (A) and the baseline (B). */
  lengthA?: number;
  lengthB?: number;
}
