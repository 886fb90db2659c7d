/**
 * Fastboot firmware packages: {@link dev.untrack.rom.tar.FastbootPackage} over a tgz, tar, zip or directory;
 * {@link dev.untrack.rom.tar.TarArchive} (hostile-name checks, caps, temp {@link dev.untrack.rom.tar.Spool}ing of
 * gzip members); Xiaomi's {@link dev.untrack.rom.tar.CrcList} and {@link dev.untrack.rom.tar.SparseCrcList}; and
 * the {@link dev.untrack.rom.tar.FlashScript}s.
 */
package dev.untrack.rom.tar;
