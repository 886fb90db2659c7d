package dev.untrack.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Filesystem and sparse images made by the native tools (test oracles), for tests that must read what real tools
 * write: ext4 by {@code mke2fs -d}, EROFS by {@code mkfs.erofs}, sparse images by {@code img2simg}, and back by
 * {@code simg2img}. A missing tool skips the test locally and fails it in CI.
 */
public final class OracleImages {
  private OracleImages() {}

  /** Writes {@code files} (relative path to content, in name order) under a new directory {@code dir}. */
  public static Path tree(Path dir, Map<String, byte[]> files) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> e : new TreeMap<>(files).entrySet()) {
      Path p = dir.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.write(p, e.getValue());
    }
    return dir;
  }

  /** {@code mke2fs -t ext4 -b 4096 -d tree}: an ext4 image of {@code sizeBytes} (a multiple of 4096). */
  public static Path ext4(Path image, Path tree, long sizeBytes, String label) throws IOException {
    Path tool = Oracle.require("mke2fs", "e2fsprogs");
    List<String> cmd = new ArrayList<>(List.of(tool.toString(), "-q", "-F", "-t", "ext4", "-b", "4096",
        "-L", label, "-E", "root_owner=0:0", "-d", tree.toString(), image.toString(),
        Long.toString(sizeBytes / 1024) + "K"));
    Oracle.run(image.getParent(), Duration.ofMinutes(2), Map.of("E2FSPROGS_FAKE_TIME", "1600000000"), cmd)
        .assertOk("mke2fs");
    return image;
  }

  /** {@code mkfs.erofs} (uncompressed unless {@code options} say otherwise, e.g. "-zlz4hc"). */
  public static Path erofs(Path image, Path tree, String... options) throws IOException {
    Path tool = Oracle.require("mkfs.erofs", "erofs-utils");
    List<String> cmd = new ArrayList<>();
    cmd.add(tool.toString());
    cmd.add("-T1600000000");
    cmd.addAll(List.of(options));
    cmd.add(image.toString());
    cmd.add(tree.toString());
    Oracle.run(image.getParent(), Duration.ofMinutes(2), cmd).assertOk("mkfs.erofs");
    return image;
  }

  public static Path img2simg(Path raw, Path sparse) throws IOException {
    Path tool = Oracle.require("img2simg", "android-sdk-libsparse-utils");
    Oracle.run(sparse.getParent(), Duration.ofMinutes(5), List.of(tool.toString(), raw.toString(), sparse.toString()))
        .assertOk("img2simg");
    return sparse;
  }

  /** {@code simg2img} of one or several sparse files (several: they are merged, as fastboot would). */
  public static Path simg2img(Path raw, Path... sparse) throws IOException {
    Path tool = Oracle.require("simg2img", "android-sdk-libsparse-utils");
    List<String> cmd = new ArrayList<>();
    cmd.add(tool.toString());
    for (Path p : sparse) {
      cmd.add(p.toString());
    }
    cmd.add(raw.toString());
    Oracle.run(raw.getParent(), Duration.ofMinutes(5), cmd).assertOk("simg2img");
    return raw;
  }

  /** {@code e2fsck -fn}: fails the test if the image is not a clean ext4. */
  public static void e2fsck(Path image) throws IOException {
    Path tool = Oracle.require("e2fsck", "e2fsprogs");
    Oracle.run(image.getParent(), Duration.ofMinutes(2), List.of(tool.toString(), "-fn", image.toString()))
        .assertOk("e2fsck -fn " + image.getFileName());
  }

  /** {@code fsck.erofs}: fails the test if the image is not a valid EROFS. */
  public static void fsckErofs(Path image) throws IOException {
    Path tool = Oracle.require("fsck.erofs", "erofs-utils");
    Oracle.run(image.getParent(), Duration.ofMinutes(2), List.of(tool.toString(), image.toString()))
        .assertOk("fsck.erofs " + image.getFileName());
  }
}
