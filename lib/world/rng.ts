/** The world's generator lives in lib/random.ts, the one module of seeded randomness; world code imports it from here. */
export { Rng, rng, hashString, seedToUint32, type Seed, type RngState } from "../random";
