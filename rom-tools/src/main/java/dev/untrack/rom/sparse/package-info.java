/**
 * Android sparse images: {@link dev.untrack.rom.sparse.SparseImage} (lazy expanded view, split files combined),
 * {@link dev.untrack.rom.sparse.SparseWriter} (streaming writer from an image or {@link
 * dev.untrack.rom.sparse.ImageRegion}s) and {@link dev.untrack.rom.sparse.FastbootSplit} (fastboot's split at
 * max-download-size and the per-part CRC-32 of Xiaomi's sparsecrclist.txt).
 */
package dev.untrack.rom.sparse;
