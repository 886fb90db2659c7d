package dev.untrack.testkit;

import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.sparse.FastbootSplit;
import dev.untrack.rom.sparse.SparseImage;
import dev.untrack.rom.tar.CrcList;
import dev.untrack.rom.tar.SparseCrcList;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds a fastboot package shaped like Xiaomi's: {@code <root>/images/*}, {@code flash_all*.sh/.bat}, and
 * optionally {@code images/crclist.txt} and {@code images/sparsecrclist.txt} computed the way Xiaomi's
 * {@code flash_gen_crc_list.py} does. Output as tgz, tar, zip or directory; deterministic (fixed times, name order
 * as added).
 */
public final class FastbootPackageBuilder {
  public enum Format {
    TGZ,
    TAR,
    ZIP,
    DIRECTORY
  }

  private final Map<String, Path> files = new LinkedHashMap<>();
  private final Map<String, byte[]> inline = new LinkedHashMap<>();
  private String root = "device_images_1.0";

  /** The top-level directory ("" for none). */
  public FastbootPackageBuilder root(String dir) {
    this.root = dir;
    return this;
  }

  /** Adds {@code images/<fileName>} from a file. */
  public FastbootPackageBuilder image(String fileName, Path file) {
    files.put("images/" + fileName, file);
    return this;
  }

  public FastbootPackageBuilder image(String fileName, byte[] data) {
    inline.put("images/" + fileName, data);
    return this;
  }

  /** Adds any file by path relative to the root. */
  public FastbootPackageBuilder file(String path, byte[] data) {
    inline.put(path, data);
    return this;
  }

  /** A script like Xiaomi's flash_all.sh, flashing each image to the partition named by its file stem. */
  public FastbootPackageBuilder flashAllScript() {
    StringBuilder sb = new StringBuilder();
    sb.append("fastboot $* getvar crc 2>&1 | grep \"^crc: 1\"\nif [ $? -eq 0 ]; then\n");
    sb.append("fastboot $* flash crclist `dirname $0`/images/crclist.txt\n");
    sb.append("fastboot $* flash sparsecrclist `dirname $0`/images/sparsecrclist.txt\nfi\n");
    for (String p : allPaths()) {
      if (p.startsWith("images/") && p.endsWith(".img")) {
        String name = p.substring(7, p.length() - 4);
        sb.append("fastboot $* flash ").append(name).append(" `dirname $0`/").append(p).append('\n');
        sb.append("if [ $? -ne 0 ] ; then echo \"Flash ").append(name).append(" error\"; exit 1; fi\n");
      }
    }
    sb.append("fastboot $* reboot\n");
    return file("flash_all.sh", sb.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Adds {@code images/crclist.txt} (whole-file CRC of every non-sparse {@code .img}) and
   * {@code images/sparsecrclist.txt} (per fastboot part of every sparse {@code .img}).
   */
  public FastbootPackageBuilder xiaomiCrcLists(long maxDownloadSize) throws IOException {
    List<CrcList.Entry> plain = new ArrayList<>();
    List<SparseCrcList.Entry> sparse = new ArrayList<>();
    for (String p : allPaths()) {
      if (!p.startsWith("images/") || !p.endsWith(".img")) {
        continue;
      }
      String name = p.substring(7, p.length() - 4);
      try (ByteSource src = open(p)) {
        if (SparseImage.isSparse(src)) {
          List<Long> crcs = FastbootSplit.partCrcs(SparseImage.open(src), maxDownloadSize);
          sparse.add(new SparseCrcList.Entry(name, crcs.size(), crcs, false));
        } else {
          CRC32 crc = new CRC32();
          try (InputStream in = src.openStream()) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
              crc.update(buf, 0, n);
            }
          }
          plain.add(new CrcList.Entry(name, crc.getValue()));
        }
      }
    }
    file("images/crclist.txt", new CrcList(plain).format().getBytes(StandardCharsets.US_ASCII));
    file("images/sparsecrclist.txt", new SparseCrcList(sparse).format().getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  private List<String> allPaths() {
    List<String> all = new ArrayList<>(files.keySet());
    all.addAll(inline.keySet());
    return all;
  }

  private ByteSource open(String path) throws IOException {
    Path f = files.get(path);
    return f != null ? FileByteSource.open(f) : new ArrayByteSource(inline.get(path), path);
  }

  private String prefixed(String path) {
    return root.isEmpty() ? path : root + "/" + path;
  }

  public Path build(Path target, Format format) throws IOException {
    switch (format) {
      case DIRECTORY -> {
        for (String p : allPaths()) {
          Path out = target.resolve(prefixed(p));
          Files.createDirectories(out.getParent());
          Path f = files.get(p);
          if (f != null) {
            Files.copy(f, out);
          } else {
            Files.write(out, inline.get(p));
          }
        }
      }
      case TGZ, TAR -> {
        try (OutputStream fo = Files.newOutputStream(target);
            OutputStream o = format == Format.TGZ ? new GZIPOutputStream(fo, 1 << 16) : fo;
            TarArchiveOutputStream t = new TarArchiveOutputStream(o)) {
          t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
          t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
          for (String p : allPaths()) {
            TarArchiveEntry e = new TarArchiveEntry(prefixed(p));
            e.setModTime(1_600_000_000_000L);
            e.setMode(p.endsWith(".sh") ? 0755 : 0644);
            try (ByteSource src = open(p); InputStream in = src.openStream()) {
              e.setSize(src.size());
              t.putArchiveEntry(e);
              in.transferTo(t);
            }
            t.closeArchiveEntry();
          }
        }
      }
      case ZIP -> {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(target))) {
          for (String p : allPaths()) {
            ZipEntry e = new ZipEntry(prefixed(p));
            e.setTime(1_600_000_000_000L);
            z.putNextEntry(e);
            try (ByteSource src = open(p); InputStream in = src.openStream()) {
              in.transferTo(z);
            }
            z.closeEntry();
          }
        }
      }
      default -> throw new IllegalArgumentException(format.toString());
    }
    return target;
  }
}
