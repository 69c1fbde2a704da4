/** Label value that marks a position as not trained (PyTorch's cross-entropy ignore_index); the one definition. */
export const IGNORE_INDEX = -100;

/** Names of nanoinstruct's own kernels, registered per backend (wasm in C, cpu in JS). */
export const KERNEL_NAMES = {
  /** logits (N, V) f32, labels (N) i32 -> loss (N); attrs { ignoreIndex }. */
  xentForward: "NanoSoftmaxXentForward",
  /** logits (N, V), labels (N), dloss (N) -> dlogits (N, V); attrs { ignoreIndex }. */
  xentBackward: "NanoSoftmaxXentBackward",
  /** x (N, in), weight (in, out), bias (out) -> y (N, out). */
  linear: "NanoLinear",
  /** x (N, C) -> column sums (C): a bias's gradient. */
  colSum: "NanoColSum",
  /** x -> GELU (tanh approximation) of x. */
  gelu: "NanoGelu",
  /** x, dy -> dx. */
  geluGrad: "NanoGeluGrad",
  /** x (N, C), gamma (C), beta (C) -> [y (N, C), mean (N), rstd (N)]; attrs { eps }. */
  layerNorm: "NanoLayerNorm",
  /** x, gamma, mean, rstd, dy -> [dx, dgamma, dbeta]. */
  layerNormGrad: "NanoLayerNormGrad",
  /**
   * q, k, v: (B, rows, rowStride) buffers holding heads at column offsets; bias optional (B, 1, T, S)
   * -> [y (B, T, C), probs (B, nh, T, S)]; attrs { nHead, headSize, past, qOffset, kOffset, vOffset }.
   */
  attention: "NanoAttention",
  /** qkv (B, T, 3C), probs, dy (B, T, C) -> dqkv (B, T, 3C); attrs { nHead }. */
  attentionGrad: "NanoAttentionGrad",
  /**
   * One GPT-2 block for generation (no gradient): x (B, T, C), the block's 12 weights, keys and values
   * (B, capacity, C) -> y (B, T, C); writes the new tokens' keys/values into rows [past, past + T) in place.
   * Optional bias (B|1, 1, T, past + T). attrs { nHead, past, eps }.
   */
  decodeBlock: "NanoDecodeBlock",
  /**
   * One GPT-2 block for training, without a cache: x (B, T, C), the block's 12 weights, optional bias
   * (B|1, 1, T, T) -> [y (B, T, C), saved (activations for the backward pass, flat)]; attrs { nHead, eps }.
   */
  blockForward: "NanoBlockForward",
  /**
   * x, saved, dy (B, T, C) and the weights ln1G, qkvW, projW, ln2G, fcW, fc2W -> [dx, and the gradients of
   * the 12 weights in decodeBlock's order]; attrs { nHead }.
   */
  blockBackward: "NanoBlockBackward",
  /**
   * wte (V, C), wpe (P, C), ids (B, T) int32, optional positions (B, T) int32 -> wte[ids] + wpe[positions]
   * (B, T, C), positions defaulting to start..start+T-1; attrs { start }. No gradient.
   */
  embed: "NanoEmbed",
} as const;

/** One GPT-2 block's weight inputs, in decode_block's (and block_forward's) argument order. */
export const BLOCK_WEIGHTS = ["ln1G", "ln1B", "qkvW", "qkvB", "projW", "projB", "ln2G", "ln2B", "fcW", "fcB", "fc2W", "fc2B"] as const;

/** The weights the block's backward pass multiplies by, in block_backward's argument order. */
export const BLOCK_BACKWARD_WEIGHTS = ["ln1G", "qkvW", "projW", "ln2G", "fcW", "fc2W"] as const;
