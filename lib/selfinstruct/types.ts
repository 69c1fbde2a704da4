/** The unit self-instruct works with: one task as instruction, optional input ("" = none) and output. */
export interface TaskTriple {
  instruction: string;
  input: string;
  output: string;
}
