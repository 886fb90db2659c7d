/**
 * Non-A/B block OTA partitions: {@code <part>.transfer.list} + {@code <part>.new.dat[.br]} read as a
 * {@link dev.untrack.rom.io.ByteSource} and written from a full image, plus the
 * {@code dynamic_partitions_op_list} and {@code updater-script} edits a repack needs. Full OTAs only.
 * See {@code docs/payload-and-sdat.md}.
 */
package dev.untrack.rom.sdat;
