package dev.untrack.pipeline.repack;

import dev.untrack.cli.ExitCode;
import dev.untrack.cli.UserException;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.io.AtomicOutput;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.sdat.BrotliStoredOutputStream;
import dev.untrack.rom.sdat.DynamicPartitionsOpList;
import dev.untrack.rom.sdat.SdatWriter;
import dev.untrack.rom.sdat.TransferList;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.rom.zip.ZipWriter;
import dev.untrack.signing.keys.SigningKey;
import dev.untrack.signing.ota.OtaZipSigner;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A non-A/B OTA zip with some partitions replaced: each changed partition becomes a full
 * {@code <part>.new.dat[.br]} (brotli as stored meta-blocks: no pure-Java encoder exists) with a new v4
 * {@code transfer.list} and an empty {@code patch.dat}; {@code dynamic_partitions_op_list} gets the new sizes;
 * every other entry is copied raw; the zip is signed as a whole with the OTA key.
 */
final class SdatOtaRepacker implements Repacker {
  static final String OP_LIST = "dynamic_partitions_op_list";
  private static final int BS = TransferList.BLOCK_SIZE;

  @Override
  public RepackResult repack(RepackRequest r) throws IOException {
    Firmware fw = r.input();
    ZipArchive zip = fw.zip().orElseThrow();
    Path work = r.options().workDir();
    SigningKey key = r.options().otaKey();
    List<String> notes = new ArrayList<>();
    Map<String, Replacement> replaced = new LinkedHashMap<>();
    try (Scratch scratch = new Scratch(work)) {
      Optional<ZipEntry> opEntry = entry(zip, OP_LIST);
      String opList = opEntry.isPresent()
          ? new String(zip.readAll(opEntry.get(), 1 << 20), StandardCharsets.UTF_8) : null;
      String opListBefore = opList;
      for (Map.Entry<String, Path> c : new java.util.TreeMap<>(r.changedPartitions()).entrySet()) {
        String part = c.getKey();
        ZipEntry list = entry(zip, part + ".transfer.list").orElseThrow(() -> new UserException(ExitCode.BAD_INPUT,
            fw.path() + ": no " + part + ".transfer.list to replace"));
        String base = list.name().substring(0, list.name().length() - ".transfer.list".length());
        Optional<ZipEntry> br = zip.entry(base + ".new.dat.br");
        ZipEntry data = br.or(() -> zip.entry(base + ".new.dat")).orElseThrow();
        Path newDat = scratch.file(part + "-new.dat");
        TransferList tl;
        long size;
        try (FileByteSource img = FileByteSource.open(c.getValue())) {
          size = img.size();
          if (size % BS != 0) {
            throw new UserException(ExitCode.PATCH_FAILED, c.getValue() + ": the new '" + part + "' image is " + size
                + " bytes, not a multiple of " + BS);
          }
          try (OutputStream fo = new BufferedOutputStream(Files.newOutputStream(newDat), 1 << 16);
              OutputStream o = br.isPresent() ? new BrotliStoredOutputStream(fo) : fo) {
            tl = SdatWriter.write(img, o);
          }
        }
        long oldSize = fw.partition(part).orElseThrow().size();
        replaced.put(data.name(), Replacement.file(newDat));
        replaced.put(list.name(), Replacement.bytes(tl.bytes()));
        zip.entry(base + ".patch.dat").ifPresent(e -> replaced.put(e.name(), Replacement.bytes(new byte[0])));
        notes.add(data.name() + " and " + list.name() + " rewritten as a full image: "
            + RepackSupport.sizeChange(part, oldSize, size)
            + (br.isPresent() ? " (brotli stored uncompressed: no pure-Java brotli encoder)" : ""));
        if (opList != null && DynamicPartitionsOpList.size(opList, part) >= 0
            && DynamicPartitionsOpList.size(opList, part) != size) {
          opList = DynamicPartitionsOpList.resize(opList, part, size, opEntry.get().name());
        }
      }
      if (opList != null && !opList.equals(opListBefore)) {
        checkGroups(opList, fw.path().toString());
        replaced.put(opEntry.get().name(), Replacement.bytes(opList.getBytes(StandardCharsets.UTF_8)));
        notes.add(OP_LIST + ": resize lines set to the new partition sizes");
      }
      Path unsigned = key == null ? r.output() : scratch.file("ota-unsigned");
      try (AtomicOutput out = AtomicOutput.create(unsigned)) {
        ZipWriter w = new ZipWriter(out.stream());
        for (ZipEntry e : zip.entries()) {
          Replacement rep = replaced.get(e.name());
          if (rep == null) {
            w.copy(zip, e, 1);
          } else {
            FastbootRepacker.replaceZipEntry(w, e, rep);
          }
        }
        w.finish(null, new byte[0]);
        out.stream().flush();
        out.commit();
      }
      if (key != null) {
        OtaZipSigner.sign(unsigned, r.output(), key);
        notes.add("OTA zip whole-file signature made with OTA key " + key.source()
            + " (stock recovery accepts only the vendor's key: a re-signed OTA installs only with a custom recovery)");
      } else {
        notes.add("OTA zip has no whole-file signature: no --ota-key (stock recovery refuses it; "
            + "a custom recovery with signature checks off installs it)");
      }
      notes.add("every other zip entry copied raw (updater-script unchanged)");
    }
    return new RepackResult(notes);
  }

  private static Optional<ZipEntry> entry(ZipArchive zip, String fileName) {
    for (ZipEntry e : zip.entries()) {
      if (e.name().equals(fileName) || e.name().endsWith("/" + fileName)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** The partitions of each group ({@code add <part> <group>}) must fit its size ({@code add_group}/{@code resize_group}). */
  static void checkGroups(String opList, String source) {
    Map<String, Long> groupSize = new LinkedHashMap<>();
    Map<String, String> groupOf = new LinkedHashMap<>();
    Map<String, Long> partSize = new LinkedHashMap<>();
    for (String line : opList.split("\n")) {
      String[] t = line.trim().split("\\s+");
      try {
        if (t.length == 3 && (t[0].equals("add_group") || t[0].equals("resize_group"))) {
          groupSize.put(t[1], Long.parseLong(t[2]));
        } else if (t.length == 3 && t[0].equals("add")) {
          groupOf.put(t[1], t[2]);
        } else if (t.length == 3 && t[0].equals("resize")) {
          partSize.put(t[1], Long.parseLong(t[2]));
        }
      } catch (NumberFormatException e) {
        // not ours to judge; the updater reads it
      }
    }
    Map<String, Long> used = new LinkedHashMap<>();
    groupOf.forEach((p, g) -> used.merge(g, partSize.getOrDefault(p, 0L), Long::sum));
    for (Map.Entry<String, Long> u : used.entrySet()) {
      Long max = groupSize.get(u.getKey());
      if (max != null && max > 0 && u.getValue() > max) {
        throw new UserException(ExitCode.PATCH_FAILED, source + " > " + OP_LIST + ": group '" + u.getKey()
            + "' needs " + u.getValue() + " bytes but has " + max + " (" + (u.getValue() - max)
            + " bytes missing); make the changed images smaller (nothing was written)");
      }
    }
  }
}
