// A stand-in for Dawn's `webgpu` package (loaded through NANOINSTRUCT_WEBGPU_PACKAGE) for the selection tests:
// Dawn's default request ("a hardware GPU") answers with Mesa's llvmpipe, reached through the real Dawn's
// OpenGL backend in compatibility mode, described as NANOINSTRUCT_FAKE_ADAPTER says:
//   hardware  as an NVIDIA GPU (the info a Vulkan adapter would report), not a fallback adapter;
//   software  as it is (llvmpipe): what a machine with a render node but only Mesa's drivers would see;
//   fallback  as a GPU but marked isFallbackAdapter.
// Requests with flags (backend=opengl, ...) go to the real Dawn unchanged. Only the adapter's description is
// invented: devices, kernels and numbers are the real llvmpipe's.
"use strict";
const { createRequire } = require("node:module");
const { join } = require("node:path");
const dawn = createRequire(join(__dirname, "..", "..", "package.json"))("webgpu");

const mode = process.env.NANOINSTRUCT_FAKE_ADAPTER || "hardware";
const NVIDIA = { vendor: "nvidia", architecture: "ada-lovelace", device: "NVIDIA GeForce RTX 4090 (fake)", description: "NVIDIA: 550.54.14 (fake)" };

function disguise(real) {
  const r = real.info;
  const info = mode === "software"
    ? { vendor: r.vendor, architecture: r.architecture, device: r.device, description: r.description, isFallbackAdapter: false }
    : { ...NVIDIA, isFallbackAdapter: mode === "fallback" };
  return { info, features: real.features, limits: real.limits, requestDevice: (d) => real.requestDevice(d) };
}

module.exports = {
  globals: dawn.globals,
  create(flags) {
    if (flags.length > 0) return dawn.create(flags);
    const gl = dawn.create(["backend=opengl"]);
    return {
      async requestAdapter() {
        const real = await gl.requestAdapter({ featureLevel: "compatibility" });
        return real && disguise(real);
      },
    };
  },
};
