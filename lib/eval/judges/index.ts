/** The judges behind one interface (types.ts), and running them over an evaluation set. */
export { preferHigher, type Judge, type JudgeItem, type Judgment } from "./types";
export { VerifierJudge, type Verifier, type VerifierLookup } from "./verifier";
export { ReferenceJudge } from "./reference";
export { LlmJudge } from "./llm";
export { judgeAll, positionBias } from "./run";
export { JudgmentCache } from "./cache";
