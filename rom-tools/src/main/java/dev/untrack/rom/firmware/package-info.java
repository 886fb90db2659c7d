/**
 * Firmware detection from content and the partition model: {@link dev.untrack.rom.firmware.FirmwareReader#open}
 * gives a {@link dev.untrack.rom.firmware.Firmware} whose {@link dev.untrack.rom.firmware.Partition}s are lazy
 * views through every container layer. payload.bin and sdat readers plug in through
 * {@link dev.untrack.rom.firmware.PayloadProvider} and {@link dev.untrack.rom.firmware.SdatProvider}.
 */
package dev.untrack.rom.firmware;
