/**
 * The model's key/value cache for generation, and the fused decode step that writes into it.
 *
 * lib/model/gpt.ts reads attention as the math; this module holds the bookkeeping around it: which buffers
 * each layer's keys and values live in, how many rows they have, when they grow, and (on wasm) running a
 * whole block as one kernel that writes the new rows in place. The buffers themselves (allocation, in-place
 * row copies) are the engine's: lib/engine/kv-cache.ts.
 *
 * Shapes: B batch, T new tokens, S = past + T positions, C = nEmbd.
 */
import * as tf from "@tensorflow/tfjs";
import { canFuseDecode, decodeBlock, type BlockWeights } from "../engine/ops";
import { appendKV, kvInPlace, reserveKV, type KVBuffers } from "../engine/kv-cache";

/**
 * Keys and values of the tokens seen so far, per layer, heads side by side: (B, rows, C) each, of which the
 * first `length` rows are filled. On wasm the buffers have spare rows and are written in place
 * (lib/engine/kv-cache.ts); elsewhere rows === length.
 */
export interface KVCache {
  keys: tf.Tensor3D[];
  values: tf.Tensor3D[];
  /** S: how many positions the cache holds. */
  length: number;
  /** Rows to allocate at first use (e.g. prompt + new tokens); buffers double beyond it. */
  reserve?: number;
}

/** Fewest rows a cache buffer is allocated with (growth doubles from there). */
const MIN_CACHE_ROWS = 32;

/** A new, empty cache (dispose it with disposeCache); `reserve`: positions it will likely hold. */
export function newCache(reserve?: number): KVCache {
  return { keys: [], values: [], length: 0, reserve };
}

export function disposeCache(cache: KVCache): void {
  for (const t of [...cache.keys, ...cache.values]) t?.dispose();
  cache.keys = [];
  cache.values = [];
  cache.length = 0;
}

function layerKV(cache: KVCache, layer: number): KVBuffers | undefined {
  return cache.keys[layer] ? { keys: cache.keys[layer], values: cache.values[layer] } : undefined;
}

/** Makes `kv` the layer's buffers: keeps new tensors past the forward pass's tidy, disposes replaced ones. */
function storeKV(cache: KVCache, layer: number, kv: KVBuffers): KVBuffers {
  if (cache.keys[layer] !== kv.keys) {
    cache.keys[layer]?.dispose();
    cache.keys[layer] = tf.keep(kv.keys);
  }
  if (cache.values[layer] !== kv.values) {
    cache.values[layer]?.dispose();
    cache.values[layer] = tf.keep(kv.values);
  }
  return kv;
}

/** Rows to give the layer's buffers when they must grow to hold `needed`: the reserve, else double. */
function cacheRows(cache: KVCache, layer: number, needed: number, blockSize: number): number {
  const current = cache.keys[layer]?.shape[1] ?? 0;
  return Math.min(blockSize, Math.max(needed, cache.reserve ?? 0, 2 * current, MIN_CACHE_ROWS));
}

/**
 * Appends T new tokens' keys and values, columns [C, 2C) and [2C, 3C) of qkv (B, T, 3C), to the layer's
 * buffers after the cache's `length` rows. Returns the buffers (B, rows, C), whose first S = length + T rows
 * are now filled (the caller advances `length` once every layer has run).
 */
export function appendToCache(cache: KVCache, layer: number, qkv: tf.Tensor3D, blockSize: number): KVBuffers {
  const past = cache.length, T = qkv.shape[1];
  return storeKV(cache, layer, appendKV(layerKV(cache, layer), qkv, past, cacheRows(cache, layer, past + T, blockSize)));
}

/**
 * Whether a block can run as one fused decode kernel: generating (a cache, no training) on a backend with
 * the kernel and in-place buffers (wasm), with no adapter on the block's layers (the kernel knows none).
 */
export function canDecodeFused(cache: KVCache | undefined, training: boolean | undefined, blockHasAdapters: boolean): cache is KVCache {
  return !!cache && !training && canFuseDecode() && kvInPlace() && !blockHasAdapters;
}

/**
 * One whole block for generation in one kernel: x (B, T, C) -> (B, T, C), the same function as
 * x + attn(ln_1(x)), then + mlp(ln_2(.)), writing this step's keys/values into the layer's buffers in place.
 */
export function decodeBlockFused(x: tf.Tensor3D, weights: BlockWeights, cache: KVCache, layer: number, nHead: number, eps: number,
  blockSize: number, bias?: tf.Tensor): tf.Tensor3D {
  const [B, T, C] = x.shape;
  const past = cache.length;
  const kv = storeKV(cache, layer, reserveKV(layerKV(cache, layer), B, C, past, past + T, cacheRows(cache, layer, past + T, blockSize)));
  return decodeBlock(x, weights, kv.keys, kv.values, past, nHead, eps, bias);
}

/** Each model's blocks' weights as the fused decode kernel takes them (the variables never change identity). */
const blockWeightsByModel = new WeakMap<object, BlockWeights[]>();

/** Block `layer`'s weights for decodeBlockFused; `p` looks a parameter up by its Hugging Face name. */
export function fusedBlockWeights(model: object, layer: number, p: (name: string) => tf.Tensor): BlockWeights {
  let known = blockWeightsByModel.get(model);
  if (!known) blockWeightsByModel.set(model, known = []);
  if (known[layer]) return known[layer];
  const w = (name: string) => p(`transformer.h.${layer}.${name}`);
  return known[layer] = {
    ln1G: w("ln_1.weight"), ln1B: w("ln_1.bias"), qkvW: w("attn.c_attn.weight"), qkvB: w("attn.c_attn.bias"),
    projW: w("attn.c_proj.weight"), projB: w("attn.c_proj.bias"), ln2G: w("ln_2.weight"), ln2B: w("ln_2.bias"),
    fcW: w("mlp.c_fc.weight"), fcB: w("mlp.c_fc.bias"), fc2W: w("mlp.c_proj.weight"), fc2B: w("mlp.c_proj.bias"),
  };
}
