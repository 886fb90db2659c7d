package dev.untrack.pipeline.repack;

import dev.untrack.cli.ExitCode;
import dev.untrack.cli.UserException;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.io.AtomicOutput;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.payload.PartitionInput;
import dev.untrack.rom.payload.PartitionUpdate;
import dev.untrack.rom.payload.Payload;
import dev.untrack.rom.payload.PayloadSigner;
import dev.untrack.rom.payload.PayloadWriteResult;
import dev.untrack.rom.payload.PayloadWriter;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.rom.zip.ZipWriter;
import dev.untrack.signing.keys.SigningKey;
import dev.untrack.signing.ota.DigestSigner;
import dev.untrack.signing.ota.OtaZipSigner;
import dev.untrack.signing.ota.Signer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * An A/B OTA zip with some partitions replaced: a new full payload.bin (unchanged partitions' operations copied
 * as they are, changed ones XZ-compressed in parallel 2 MiB chunks, partition info and VABC estimates recomputed,
 * signed with the OTA key if given), payload_properties.txt and the metadata property files regenerated, every
 * other entry copied raw, then the whole file signed with the OTA key.
 */
final class PayloadOtaRepacker implements Repacker {
  static final String PAYLOAD = "payload.bin";
  static final String PROPERTIES = "payload_properties.txt";
  private static final int MAX_METADATA = 1 << 20;

  @Override
  public RepackResult repack(RepackRequest r) throws IOException {
    Firmware fw = r.input();
    ZipArchive zip = fw.zip().orElseThrow();
    Path work = r.options().workDir();
    SigningKey key = r.options().otaKey();
    PayloadSigner signer = key == null ? null : payloadSigner(key);
    List<String> notes = new ArrayList<>();
    try (Scratch scratch = new Scratch(work)) {
      ZipEntry pe = zip.entry(PAYLOAD).orElseThrow();
      ByteSource payloadBytes;
      if (pe.isStored()) {
        payloadBytes = zip.rawData(pe);
      } else {
        Path spooled = scratch.file("payload-in");
        try (InputStream in = zip.open(pe)) {
          Files.copy(in, spooled, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        payloadBytes = scratch.hold(FileByteSource.open(spooled));
      }
      Payload payload = Payload.open(payloadBytes);
      int blockSize = payload.manifest().blockSize();
      List<PartitionInput> inputs = new ArrayList<>();
      for (PartitionUpdate pu : payload.partitions()) {
        Path img = r.changedPartitions().get(pu.name());
        if (img == null) {
          inputs.add(new PartitionInput.Unchanged(payload, pu));
          continue;
        }
        FileByteSource src = scratch.hold(FileByteSource.open(img));
        if (src.size() % blockSize != 0) {
          throw new UserException(ExitCode.PATCH_FAILED, img + ": the new '" + pu.name() + "' image is "
              + src.size() + " bytes, not a multiple of the payload block size " + blockSize);
        }
        inputs.add(new PartitionInput.Changed(pu, src));
        notes.add(PAYLOAD + ": " + RepackSupport.sizeChange(pu.name(), pu.newSize(), src.size())
            + ", written as XZ in 2 MiB chunks with new hash and CoW estimate");
      }
      checkGroups(payload, r.changedPartitions(), fw.path() + " > " + PAYLOAD);
      Path newPayload = scratch.file("payload-out");
      PayloadWriteResult res = new PayloadWriter(payload.manifest(), PayloadWriter.Options.defaults(work), signer)
          .write(inputs, newPayload);
      notes.add(PAYLOAD + ": " + (inputs.size() - r.changedPartitions().size())
          + " unchanged partitions' operations copied without recompression");
      notes.add(key != null
          ? PAYLOAD + ": metadata and payload signatures made with OTA key " + describe(key)
          : PAYLOAD + " unsigned: no --ota-key. update_engine and stock recovery refuse an unsigned payload; "
              + "flash it with a custom recovery that skips the check, or use the fastboot package");
      notes.add(PROPERTIES + " regenerated (FILE_HASH, FILE_SIZE, METADATA_HASH, METADATA_SIZE)");

      Map<String, byte[]> meta = new LinkedHashMap<>();
      for (String m : List.of(OtaPropertyFiles.METADATA, OtaPropertyFiles.METADATA_PB)) {
        var e = zip.entry(m);
        if (e.isPresent()) {
          meta.put(m, zip.readAll(e.get(), MAX_METADATA));
        }
      }
      Path unsigned = key == null ? r.output() : scratch.file("ota-unsigned");
      writeZip(zip, newPayload, res.properties(), meta, unsigned);
      if (!meta.isEmpty()) {
        notes.add(String.join(" and ", meta.keySet()) + ": property files (offsets of payload.bin, "
            + "payload_properties.txt, ...) regenerated");
      }
      if (key != null) {
        OtaZipSigner.sign(unsigned, r.output(), key);
        notes.add("OTA zip whole-file signature made with OTA key " + describe(key)
            + " (stock recovery accepts only the vendor's key: a re-signed OTA installs only with a custom recovery)");
      } else {
        notes.add("OTA zip has no whole-file signature: no --ota-key (stock recovery refuses it)");
      }
      if (zip.entry("care_map.pb").isPresent()) {
        notes.add("care_map.pb copied unchanged: its block ranges describe the original images (only "
            + "update_verifier reads it, after an install through the system updater)");
      }
      notes.add("every other zip entry copied raw");
    }
    return new RepackResult(notes);
  }

  /** Before any compression: the new sizes in each dynamic group must fit the group's size. */
  static void checkGroups(Payload payload, Map<String, Path> changed, String source) throws IOException {
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (PartitionUpdate pu : payload.partitions()) {
      Path img = changed.get(pu.name());
      sizes.put(pu.name(), img != null ? Files.size(img) : pu.newSize());
    }
    for (var g : payload.manifest().groups()) {
      long sum = 0;
      for (String n : g.partitionNames()) {
        sum += sizes.getOrDefault(n, 0L);
      }
      if (g.maxSize() > 0 && sum > g.maxSize()) {
        throw new UserException(ExitCode.PATCH_FAILED, source + ": dynamic group '" + g.name() + "' needs " + sum
            + " bytes but has " + g.maxSize() + " (" + (sum - g.maxSize())
            + " bytes missing); make the changed images smaller (nothing was written)");
      }
    }
  }

  private static String describe(SigningKey key) {
    String fp = key.certificateSha256();
    return key.source() + (fp == null ? "" : " (certificate SHA-256 " + fp.substring(0, 16) + "…)");
  }

  static PayloadSigner payloadSigner(SigningKey key) {
    int size = DigestSigner.signatureSize(key);
    if (size <= 0) {
      throw new UserException(ExitCode.SIGNING_FAILED, key.source() + ": payload signing needs an RSA key");
    }
    Signer s = DigestSigner.of(key);
    return new PayloadSigner() {
      @Override
      public int signatureSize() {
        return size;
      }

      @Override
      public byte[] sign(byte[] digest) throws IOException {
        return s.sign(digest);
      }
    };
  }

  /**
   * Writes the zip, then fixes the property files in place (the metadata keep their length, as AOSP reserves
   * it); if a value had to grow, the zip is written again with the longer metadata until the offsets settle.
   */
  private static void writeZip(ZipArchive zip, Path payload, byte[] properties, Map<String, byte[]> meta, Path target)
      throws IOException {
    Map<String, byte[]> current = meta;
    for (int round = 0; ; round++) {
      try (AtomicOutput out = AtomicOutput.create(target)) {
        ZipWriter w = new ZipWriter(out.stream());
        for (ZipEntry e : zip.entries()) {
          if (e.name().equals(PAYLOAD)) {
            try (FileByteSource p = FileByteSource.open(payload)) {
              w.addStored(spec(e, ZipEntry.STORED), p);
            }
          } else if (e.name().equals(PROPERTIES)) {
            w.replace(e, properties, 1);
          } else if (current.containsKey(e.name())) {
            w.replace(e, current.get(e.name()), 1);
          } else {
            w.copy(zip, e, 1);
          }
        }
        w.finish(null, new byte[0]);
        out.stream().flush();
        Map<String, byte[]> next;
        boolean inPlace = true;
        try (FileByteSource fs = FileByteSource.open(out.tempPath()); ZipArchive written = ZipArchive.open(fs)) {
          next = OtaPropertyFiles.regenerate(written, current);
          for (Map.Entry<String, byte[]> m : next.entrySet()) {
            ZipEntry e = written.entry(m.getKey()).orElseThrow();
            inPlace &= e.isStored() && e.size() == m.getValue().length;
          }
          if (inPlace) {
            patch(out.channel(), written, next);
          }
        }
        if (inPlace) {
          out.commit();
          return;
        }
        if (round >= 3) {
          throw new IOException(target + ": OTA property files did not settle after " + round + " rewrites");
        }
        current = next;
      }
    }
  }

  /** Overwrites stored entries' data of the same length, and their CRCs in the local and central headers. */
  private static void patch(FileChannel ch, ZipArchive written, Map<String, byte[]> contents) throws IOException {
    long central = written.centralDirectoryOffset();
    for (ZipEntry e : written.entries()) {
      byte[] rec = e.centralRecord();
      byte[] data = contents.get(e.name());
      if (data != null && !Arrays.equals(data, written.readAll(e, data.length))) {
        CRC32 crc = new CRC32();
        crc.update(data);
        ByteBuffer c = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
        write(ch, ByteBuffer.wrap(data), e.dataOffset());
        write(ch, c.flip(), e.localHeaderOffset() + 14);
        write(ch, c.rewind(), central + 16);
      }
      central += rec.length;
    }
  }

  private static void write(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    long p = pos;
    while (b.hasRemaining()) {
      p += ch.write(b, p);
    }
  }

  static ZipWriter.EntrySpec spec(ZipEntry original, int method) {
    ByteBuffer rec = ByteBuffer.wrap(original.centralRecord()).order(ByteOrder.LITTLE_ENDIAN);
    return new ZipWriter.EntrySpec(original.name(), method, rec.getShort(4) & 0xffff,
        original.flags() & ~0x08 & ~0x800, original.dosTime(), original.dosDate(), rec.getShort(36) & 0xffff,
        rec.getInt(38) & 0xffffffffL, 1);
  }
}
