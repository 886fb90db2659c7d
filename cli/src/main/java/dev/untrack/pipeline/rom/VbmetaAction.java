package dev.untrack.pipeline.rom;

import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.ImageType;
import dev.untrack.rom.firmware.Partition;
import dev.untrack.signing.avb.AvbDescriptor;
import dev.untrack.signing.avb.AvbPublicKey;
import dev.untrack.signing.avb.VbMeta;
import dev.untrack.signing.avb.VbMetaFiles;
import dev.untrack.signing.keys.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What happens to the firmware's vbmeta partitions once filesystems changed.
 *
 * <p>Without an AVB key (the default, and the only way on Xiaomi, whose bootloaders take no custom key): the
 * top-level {@code vbmeta} gets {@link #DEFAULT_FLAGS} (HASHTREE_DISABLED, 0x1) ORed into its flags word, as
 * {@code fastboot --disable-verity} does; nothing else changes. {@code --avb-flags 0x3} adds
 * VERIFICATION_DISABLED, which some Android 16 builds bootloop with.
 *
 * <p>With {@code --avb-key}: the hashtree descriptors of changed partitions are replaced in whichever vbmeta
 * holds them ({@code vbmeta_system}, {@code vbmeta_vendor}, {@code vbmeta}), each changed chained vbmeta is
 * re-signed, the top-level vbmeta's chain descriptors are pointed at the new key, and it is re-signed too.
 */
final class VbmetaAction {
  static final int DEFAULT_FLAGS = VbMetaFiles.DEFAULT_DISABLE_FLAGS;
  static final String WARNING = "keep the bootloader unlocked; never lock it (flash_all_lock, fastboot "
      + "flashing lock) with modified images: the device will not boot";

  /** New vbmeta partition images and what was done, in words. */
  record Result(Map<String, Path> images, List<String> notes) {}

  private VbmetaAction() {}

  /**
   * @param sealed changed partition name → its new hashtree descriptor (null when it had no AVB footer)
   */
  static Result apply(Firmware fw, Map<String, AvbDescriptor.Hashtree> sealed, int flags, SigningKey key,
      Path workDir) throws IOException {
    Map<String, Path> images = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    if (sealed.isEmpty()) {
      return new Result(images, notes);
    }
    Map<String, Partition> vbmetas = new LinkedHashMap<>();
    for (Partition p : fw.partitions()) {
      if (p.type() == ImageType.VBMETA && !p.isLogical() && p.name().startsWith("vbmeta")) {
        vbmetas.put(p.name(), p);
      }
    }
    Partition top = vbmetas.get("vbmeta");
    if (top == null) {
      notes.add(key == null ? "no vbmeta image in the input: disable verity on the device yourself "
          + "(fastboot --disable-verity flash vbmeta vbmeta.img from the same build)"
          : "no vbmeta image in the input: the vbmeta that holds the changed partitions' hashtree descriptors "
          + "must be re-signed with the same key (or verity disabled) before this boots");
      return new Result(images, notes);
    }
    if (key == null) {
      byte[] bytes = read(top);
      VbMeta old = VbMeta.parse(bytes, top.origin());
      if ((old.flags() & flags) == flags) {
        notes.add("vbmeta: flags already 0x" + Integer.toHexString(old.flags()) + ", unchanged");
        return new Result(images, notes);
      }
      byte[] now = VbMeta.orFlags(bytes, flags, top.origin());
      images.put("vbmeta", write(workDir, "vbmeta", now));
      notes.add("vbmeta: flags 0x" + Integer.toHexString(old.flags()) + " -> 0x"
          + Integer.toHexString(old.flags() | flags) + " (" + describe(flags) + "), signature left as it was");
      return new Result(images, notes);
    }
    for (Partition p : vbmetas.values()) {
      for (AvbDescriptor d : VbMeta.parse(read(p), p.origin()).descriptors()) {
        for (Map.Entry<String, AvbDescriptor.Hashtree> e : sealed.entrySet()) {
          if (e.getValue() == null && d instanceof AvbDescriptor.Hashtree h
              && h.partitionName().equals(stripSlot(e.getKey()))) {
            throw new RomPatchException(e.getKey() + ": changed, and " + p.name() + " holds its hashtree "
                + "descriptor, but the partition has no AVB footer with a hashtree to recompute; re-signing would "
                + "sign a stale root digest (leave out --avb-key to disable verity instead)");
          }
        }
      }
    }
    byte[] keyBlob = AvbPublicKey.encode((RSAPublicKey) key.publicKey());
    Map<String, String> resigned = new LinkedHashMap<>();
    List<String> placed = new ArrayList<>();
    for (Partition p : vbmetas.values()) {
      if (p.name().equals("vbmeta")) {
        continue;
      }
      byte[] bytes = read(p);
      VbMeta old = VbMeta.parse(bytes, p.origin());
      List<AvbDescriptor> ds = replaceTrees(old.descriptors(), sealed, placed);
      if (ds.equals(old.descriptors())) {
        continue;
      }
      VbMeta now = old.withDescriptors(ds, key, old.algorithmFor(key));
      images.put(p.name(), write(workDir, p.name(), padded(now.encode(), bytes.length, p.name())));
      resigned.put(stripSlot(p.name()), p.name());
      notes.add(p.name() + ": hashtree descriptors updated, re-signed with the AVB key");
    }
    byte[] bytes = read(top);
    VbMeta old = VbMeta.parse(bytes, top.origin());
    List<AvbDescriptor> ds = replaceTrees(old.descriptors(), sealed, placed);
    List<AvbDescriptor> chained = new ArrayList<>();
    for (AvbDescriptor d : ds) {
      if (d instanceof AvbDescriptor.ChainPartition c && resigned.containsKey(c.partitionName())) {
        chained.add(c.withPublicKey(keyBlob));
      } else {
        chained.add(d);
      }
    }
    VbMeta now = old.withDescriptors(chained, key, old.algorithmFor(key));
    images.put("vbmeta", write(workDir, "vbmeta", padded(now.encode(), bytes.length, "vbmeta")));
    notes.add("vbmeta: re-signed with the AVB key" + (resigned.isEmpty() ? ""
        : ", chain descriptors for " + String.join(", ", resigned.keySet()) + " now trust it")
        + "; flags kept at 0x" + Integer.toHexString(old.flags()));
    for (String name : sealed.keySet()) {
      if (sealed.get(name) != null && !placed.contains(stripSlot(name))) {
        notes.add(name + ": no vbmeta holds its hashtree descriptor; only its own footer was re-signed");
      }
    }
    notes.add("the device must trust the AVB key (fastboot flash avb_custom_key, then relock only if every "
        + "image verifies)");
    return new Result(images, notes);
  }

  private static List<AvbDescriptor> replaceTrees(List<AvbDescriptor> in, Map<String, AvbDescriptor.Hashtree> sealed,
      List<String> placed) {
    Map<String, AvbDescriptor.Hashtree> byName = new LinkedHashMap<>();
    sealed.forEach((k, v) -> {
      if (v != null) {
        byName.put(stripSlot(k), v);
      }
    });
    List<AvbDescriptor> out = new ArrayList<>();
    for (AvbDescriptor d : in) {
      if (d instanceof AvbDescriptor.Hashtree h && byName.containsKey(h.partitionName())) {
        AvbDescriptor.Hashtree n = byName.get(h.partitionName());
        out.add(new AvbDescriptor.Hashtree(n.dmVerityVersion(), n.imageSize(), n.treeOffset(), n.treeSize(),
            n.dataBlockSize(), n.hashBlockSize(), n.fecNumRoots(), n.fecOffset(), n.fecSize(), n.hashAlgorithm(),
            h.partitionName(), n.salt(), n.rootDigest(), h.flags(), h.reserved()));
        placed.add(h.partitionName());
      } else {
        out.add(d);
      }
    }
    return out;
  }

  static String describe(int flags) {
    List<String> names = new ArrayList<>();
    if ((flags & 1) != 0) {
      names.add("HASHTREE_DISABLED");
    }
    if ((flags & 2) != 0) {
      names.add("VERIFICATION_DISABLED");
    }
    return String.join(" | ", names);
  }

  static String stripSlot(String name) {
    return name.matches(".*_[ab]") ? name.substring(0, name.length() - 2) : name;
  }

  private static byte[] padded(byte[] blob, int size, String name) throws RomPatchException {
    if (blob.length > size) {
      throw new RomPatchException(name + ": the re-signed vbmeta (" + blob.length + " bytes) is larger than its "
          + size + "-byte image", blob.length - size, null);
    }
    return java.util.Arrays.copyOf(blob, size);
  }

  private static byte[] read(Partition p) throws IOException {
    if (p.size() > (16 << 20)) {
      throw new RomPatchException(p.origin() + ": larger than a vbmeta partition can be");
    }
    return p.content().readFully(0, (int) p.size());
  }

  private static Path write(Path workDir, String name, byte[] bytes) throws IOException {
    return Files.write(workDir.resolve(name + ".vbmeta.img"), bytes);
  }
}
