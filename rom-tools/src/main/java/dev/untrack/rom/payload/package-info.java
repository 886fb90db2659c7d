/**
 * A/B OTA {@code payload.bin}: read full payloads (random-access partition views, parallel extraction, every
 * hash checked), and write new ones (unchanged partitions copied without recompression, changed ones
 * compressed in parallel 2 MiB REPLACE_XZ chunks, VABC estimates recomputed, signature seam).
 *
 * <p>Entry points: {@link dev.untrack.rom.payload.Payload#open}, {@link dev.untrack.rom.payload.PayloadWriter},
 * {@link dev.untrack.rom.payload.PayloadSigner}. See {@code docs/payload-and-sdat.md}.
 */
package dev.untrack.rom.payload;
