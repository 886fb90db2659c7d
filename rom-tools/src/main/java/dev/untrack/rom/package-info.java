/**
 * Firmware formats, read and surgically written in pure Java: containers (zip, tar, payload.bin, sdat, sparse, LP super), filesystems (ext4, EROFS), binary XML manifests, and random-access partition views ({@link dev.untrack.rom.io.ByteSource}). Depends on no other untrack module. Errors are {@link dev.untrack.rom.RomFormatException} with file and offset.
 */
package dev.untrack.rom;
