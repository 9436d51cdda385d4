/**
 * Synthetic German traffic-sign images for the demo: {@link dev.vigil.demo.signs.SignGenerator}
 * renders 64 x 64 RGB photographs of the 25 {@link dev.vigil.demo.signs.SignClass}es (GTSRB
 * indices 0 to 18, Stop = 14, then six blue mandatory signs), deterministic by seed;
 * {@link dev.vigil.demo.signs.SignBatch} packs them as NCHW float tensors and
 * {@link dev.vigil.demo.signs.SignImages} writes PNGs, labelled folders and contact sheets.
 */
package dev.vigil.demo.signs;
