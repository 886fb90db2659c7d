package dev.untrack.rom.lp;

import dev.untrack.rom.RomFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes the binary LP structures: the geometry block and a metadata copy (header + tables), with
 * their SHA-256 checksums. Parsing checks every field liblp checks, and more: names, duplicate names, shared
 * extent entries, sizes that overflow.
 */
public final class LpMetadataCodec {
  /** Larger metadata copies than this are refused (real ones are 64 KiB). */
  public static final int MAX_METADATA_SIZE = 16 << 20;
  public static final int MAX_SLOTS = 16;

  private LpMetadataCodec() {}

  // ---------------------------------------------------------------- geometry

  /** Parses a geometry block (at least 52 bytes; the block at offset 4096 or 8192). */
  public static LpGeometry parseGeometry(byte[] block, String file, long at) throws RomFormatException {
    if (block.length < LpFormat.GEOMETRY_STRUCT_SIZE) {
      throw corrupt(file, at, "geometry is shorter than 52 bytes");
    }
    ByteBuffer b = le(block);
    int magic = b.getInt(0);
    if (magic != LpFormat.GEOMETRY_MAGIC) {
      throw corrupt(file, at, String.format("bad geometry magic 0x%08x (expected 0x%08x)", magic, LpFormat.GEOMETRY_MAGIC));
    }
    int structSize = b.getInt(4);
    if (structSize != LpFormat.GEOMETRY_STRUCT_SIZE) {
      throw corrupt(file, at + 4, "geometry struct size " + Integer.toUnsignedString(structSize) + " (expected 52)");
    }
    byte[] copy = Arrays.copyOf(block, structSize);
    Arrays.fill(copy, 8, 40, (byte) 0);
    if (!Arrays.equals(sha256(copy, 0, structSize), Arrays.copyOfRange(block, 8, 40))) {
      throw corrupt(file, at + 8, "geometry checksum does not match");
    }
    long maxSize = b.getInt(40) & 0xffffffffL;
    long slots = b.getInt(44) & 0xffffffffL;
    long blockSize = b.getInt(48) & 0xffffffffL;
    if (maxSize == 0 || maxSize % LpFormat.SECTOR_SIZE != 0 || maxSize > MAX_METADATA_SIZE) {
      throw corrupt(file, at + 40, "metadata max size " + maxSize + " is not a multiple of 512 up to " + MAX_METADATA_SIZE);
    }
    if (slots == 0 || slots > MAX_SLOTS) {
      throw corrupt(file, at + 44, "metadata slot count " + slots + " (expected 1.." + MAX_SLOTS + ")");
    }
    if (blockSize == 0 || blockSize % LpFormat.SECTOR_SIZE != 0 || blockSize > (1 << 20)) {
      throw corrupt(file, at + 48, "logical block size " + blockSize + " is not a multiple of 512 up to 1 MiB");
    }
    return new LpGeometry((int) maxSize, (int) slots, (int) blockSize);
  }

  /** The 4096-byte geometry block: struct with checksum, zero padded. */
  public static byte[] serializeGeometry(LpGeometry g) {
    byte[] block = new byte[LpFormat.GEOMETRY_SIZE];
    ByteBuffer b = le(block);
    b.putInt(0, LpFormat.GEOMETRY_MAGIC);
    b.putInt(4, LpFormat.GEOMETRY_STRUCT_SIZE);
    b.putInt(40, g.metadataMaxSize());
    b.putInt(44, g.metadataSlotCount());
    b.putInt(48, g.logicalBlockSize());
    System.arraycopy(sha256(block, 0, LpFormat.GEOMETRY_STRUCT_SIZE), 0, block, 8, 32);
    return block;
  }

  // ---------------------------------------------------------------- metadata

  /**
   * Parses one metadata copy. {@code data} holds at least the header and tables ({@code metadataMaxSize} bytes
   * read from the slot, or fewer at the end of a file); {@code at} is its offset in {@code file}.
   */
  public static LpMetadata parse(LpGeometry geometry, byte[] data, String file, long at) throws RomFormatException {
    if (data.length < LpFormat.HEADER_V1_0_SIZE) {
      throw corrupt(file, at, "metadata is truncated (" + data.length + " bytes)");
    }
    ByteBuffer b = le(data);
    int magic = b.getInt(0);
    if (magic != LpFormat.HEADER_MAGIC) {
      throw corrupt(file, at, String.format("bad metadata header magic 0x%08x (expected 0x%08x)", magic, LpFormat.HEADER_MAGIC));
    }
    int major = b.getShort(4) & 0xffff;
    int minor = b.getShort(6) & 0xffff;
    if (major != LpFormat.MAJOR_VERSION || minor > LpFormat.MINOR_VERSION_MAX) {
      throw RomFormatException.unsupported(file, LpFormat.NAME, at + 4,
          "metadata version " + major + "." + minor + " (supported: 10.0 to 10.2)");
    }
    long headerSize = b.getInt(8) & 0xffffffffL;
    int expected = minor >= LpFormat.MINOR_VERSION_FOR_EXPANDED_HEADER ? LpFormat.HEADER_V1_2_SIZE : LpFormat.HEADER_V1_0_SIZE;
    if (headerSize != expected) {
      throw corrupt(file, at + 8, "header size " + headerSize + " for version 10." + minor + " (expected " + expected + ")");
    }
    if (data.length < headerSize) {
      throw corrupt(file, at, "metadata is truncated (" + data.length + " bytes)");
    }
    byte[] header = Arrays.copyOf(data, (int) headerSize);
    Arrays.fill(header, 12, 44, (byte) 0);
    if (!Arrays.equals(sha256(header, 0, header.length), Arrays.copyOfRange(data, 12, 44))) {
      throw corrupt(file, at + 12, "metadata header checksum does not match");
    }
    long tablesSize = b.getInt(44) & 0xffffffffL;
    if (tablesSize > geometry.metadataMaxSize() - headerSize) {
      throw corrupt(file, at + 44, "tables of " + tablesSize + " bytes do not fit the " + geometry.metadataMaxSize()
          + "-byte metadata slot");
    }
    if (tablesSize > data.length - headerSize) {
      throw corrupt(file, at + 44, "tables of " + tablesSize + " bytes run past the end of the file");
    }
    int tablesAt = (int) headerSize;
    if (!Arrays.equals(sha256(data, tablesAt, (int) tablesSize), Arrays.copyOfRange(data, 48, 80))) {
      throw corrupt(file, at + 48, "metadata tables checksum does not match");
    }
    Table pt = table(b, 80, tablesSize, LpFormat.PARTITION_ENTRY_SIZE, "partition", file, at);
    Table et = table(b, 92, tablesSize, LpFormat.EXTENT_ENTRY_SIZE, "extent", file, at);
    Table gt = table(b, 104, tablesSize, LpFormat.GROUP_ENTRY_SIZE, "group", file, at);
    Table dt = table(b, 116, tablesSize, LpFormat.BLOCK_DEVICE_ENTRY_SIZE, "block device", file, at);
    int flags = minor >= LpFormat.MINOR_VERSION_FOR_EXPANDED_HEADER ? b.getInt(128) : 0;

    List<LpBlockDevice> devices = new ArrayList<>();
    for (int i = 0; i < dt.count; i++) {
      int o = tablesAt + dt.offset + i * dt.entrySize;
      long entryAt = at + o;
      long first = b.getLong(o);
      long size = b.getLong(o + 16);
      if (first < 0 || size < 0 || first > size / LpFormat.SECTOR_SIZE) {
        throw corrupt(file, entryAt, "block device " + i + ": first logical sector " + Long.toUnsignedString(first)
            + " lies outside its size " + Long.toUnsignedString(size));
      }
      devices.add(new LpBlockDevice(first, b.getInt(o + 8), b.getInt(o + 12), size,
          name(data, o + 24, file, entryAt + 24, "block device"), b.getInt(o + 60)));
    }
    if (devices.isEmpty()) {
      throw corrupt(file, at + 116, "metadata names no super block device");
    }
    long reserved = LpFormat.totalMetadataSize(geometry.metadataMaxSize(), geometry.metadataSlotCount());
    if (reserved > devices.get(0).firstLogicalSector() * LpFormat.SECTOR_SIZE) {
      throw corrupt(file, at, "metadata area (" + reserved + " bytes) overlaps the first logical sector "
          + devices.get(0).firstLogicalSector());
    }

    List<LpGroup> groups = new ArrayList<>();
    Set<String> groupNames = new HashSet<>();
    for (int i = 0; i < gt.count; i++) {
      int o = tablesAt + gt.offset + i * gt.entrySize;
      String n = name(data, o, file, at + o, "group");
      if (!groupNames.add(n)) {
        throw corrupt(file, at + o, "duplicate group name '" + n + "'");
      }
      long max = b.getLong(o + 40);
      if (max < 0) {
        throw corrupt(file, at + o + 40, "group '" + n + "' maximum size " + Long.toUnsignedString(max) + " is absurd");
      }
      groups.add(new LpGroup(n, b.getInt(o + 36), max));
    }

    List<LpExtent> extents = new ArrayList<>();
    for (int i = 0; i < et.count; i++) {
      int o = tablesAt + et.offset + i * et.entrySize;
      long sectors = b.getLong(o);
      int type = b.getInt(o + 8);
      long target = b.getLong(o + 12);
      int source = b.getInt(o + 20);
      if (sectors < 0 || sectors > Long.MAX_VALUE / LpFormat.SECTOR_SIZE) {
        throw corrupt(file, at + o, "extent " + i + " length " + Long.toUnsignedString(sectors) + " sectors is absurd");
      }
      if (type == LpFormat.TARGET_TYPE_LINEAR) {
        if (Integer.toUnsignedLong(source) >= devices.size()) {
          throw corrupt(file, at + o + 20, "extent " + i + " names block device " + Integer.toUnsignedString(source)
              + " of " + devices.size());
        }
        if (target < 0 || target > Long.MAX_VALUE / LpFormat.SECTOR_SIZE - sectors) {
          throw corrupt(file, at + o + 12, "extent " + i + " start sector " + Long.toUnsignedString(target) + " is absurd");
        }
      } else if (type != LpFormat.TARGET_TYPE_ZERO) {
        throw corrupt(file, at + o + 8, "extent " + i + " has unknown target type " + Integer.toUnsignedString(type));
      }
      extents.add(new LpExtent(sectors, type, target, source));
    }

    int validAttributes = LpFormat.PARTITION_ATTRIBUTE_MASK_V0
        | (minor >= LpFormat.MINOR_VERSION_FOR_UPDATED_ATTR ? LpFormat.PARTITION_ATTRIBUTE_MASK_V1 : 0);
    List<LpPartition> partitions = new ArrayList<>();
    Set<String> names = new HashSet<>();
    boolean[] extentOwned = new boolean[extents.size()];
    for (int i = 0; i < pt.count; i++) {
      int o = tablesAt + pt.offset + i * pt.entrySize;
      long entryAt = at + o;
      String n = name(data, o, file, entryAt, "partition");
      if (!names.add(n)) {
        throw corrupt(file, entryAt, "duplicate partition name '" + n + "'");
      }
      int attributes = b.getInt(o + 36);
      long first = b.getInt(o + 40) & 0xffffffffL;
      long count = b.getInt(o + 44) & 0xffffffffL;
      long group = b.getInt(o + 48) & 0xffffffffL;
      if ((attributes & ~validAttributes) != 0) {
        throw corrupt(file, entryAt + 36, "partition '" + n + "' has invalid attributes 0x" + Integer.toHexString(attributes)
            + " for version 10." + minor);
      }
      if (first + count > extents.size()) {
        throw corrupt(file, entryAt + 40, "partition '" + n + "' extents [" + first + ", +" + count + ") lie outside the "
            + extents.size() + "-entry extent table");
      }
      if (group >= groups.size()) {
        throw corrupt(file, entryAt + 48, "partition '" + n + "' names group " + group + " of " + groups.size());
      }
      for (long e = first; e < first + count; e++) {
        if (extentOwned[(int) e]) {
          throw corrupt(file, entryAt + 40, "partition '" + n + "' shares extent entry " + e + " with another partition");
        }
        extentOwned[(int) e] = true;
      }
      partitions.add(new LpPartition(n, attributes, (int) first, (int) count, (int) group));
    }
    return new LpMetadata(geometry, major, minor, flags, partitions, extents, groups, devices);
  }

  private record Table(int offset, int count, int entrySize) {}

  private static Table table(ByteBuffer b, int descAt, long tablesSize, int entrySize, String what, String file, long at)
      throws RomFormatException {
    long offset = b.getInt(descAt) & 0xffffffffL;
    long count = b.getInt(descAt + 4) & 0xffffffffL;
    long size = b.getInt(descAt + 8) & 0xffffffffL;
    if (offset > tablesSize || count * size > tablesSize - offset) {
      throw corrupt(file, at + descAt, what + " table [" + offset + ", " + count + " x " + size + ") lies outside the "
          + tablesSize + "-byte tables");
    }
    if (size != entrySize) {
      throw corrupt(file, at + descAt + 8, what + " table entry size " + size + " (expected " + entrySize + ")");
    }
    return new Table((int) offset, (int) count, entrySize);
  }

  private static String name(byte[] data, int o, String file, long at, String what) throws RomFormatException {
    int len = 0;
    while (len < LpFormat.NAME_LENGTH && data[o + len] != 0) {
      len++;
    }
    String n = new String(data, o, len, StandardCharsets.ISO_8859_1);
    String bad = badName(n);
    if (bad != null) {
      throw corrupt(file, at, what + " name '" + printable(n) + "' " + bad);
    }
    return n;
  }

  /** Null if {@code n} is a valid LP name (1 to 36 characters of [A-Za-z0-9_.-]), else why not. */
  public static String badName(String n) {
    if (n.isEmpty()) {
      return "is empty";
    }
    if (n.length() > LpFormat.NAME_LENGTH) {
      return "is longer than 36 characters";
    }
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
          || c == '.';
      if (!ok) {
        return "has a character other than letters, digits, '_', '-' and '.'";
      }
    }
    if (n.equals(".") || n.equals("..")) {
      return "is a path segment";
    }
    return null;
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
    }
    return sb.toString();
  }

  /**
   * One metadata copy: header (128 bytes for 10.0/10.1, 256 for 10.2) then the partition, extent, group and block
   * device tables, with both checksums. Not padded to the slot size.
   */
  public static byte[] serialize(LpMetadata m) {
    int headerSize = m.headerSize();
    int ps = m.partitions().size() * LpFormat.PARTITION_ENTRY_SIZE;
    int es = m.extents().size() * LpFormat.EXTENT_ENTRY_SIZE;
    int gs = m.groups().size() * LpFormat.GROUP_ENTRY_SIZE;
    int ds = m.blockDevices().size() * LpFormat.BLOCK_DEVICE_ENTRY_SIZE;
    int tablesSize = ps + es + gs + ds;
    byte[] out = new byte[headerSize + tablesSize];
    ByteBuffer b = le(out);
    int o = headerSize;
    for (LpPartition p : m.partitions()) {
      putName(out, o, p.name());
      b.putInt(o + 36, p.attributes());
      b.putInt(o + 40, p.firstExtentIndex());
      b.putInt(o + 44, p.numExtents());
      b.putInt(o + 48, p.groupIndex());
      o += LpFormat.PARTITION_ENTRY_SIZE;
    }
    for (LpExtent e : m.extents()) {
      b.putLong(o, e.numSectors());
      b.putInt(o + 8, e.targetType());
      b.putLong(o + 12, e.targetData());
      b.putInt(o + 20, e.targetSource());
      o += LpFormat.EXTENT_ENTRY_SIZE;
    }
    for (LpGroup g : m.groups()) {
      putName(out, o, g.name());
      b.putInt(o + 36, g.flags());
      b.putLong(o + 40, g.maximumSize());
      o += LpFormat.GROUP_ENTRY_SIZE;
    }
    for (LpBlockDevice d : m.blockDevices()) {
      b.putLong(o, d.firstLogicalSector());
      b.putInt(o + 8, d.alignment());
      b.putInt(o + 12, d.alignmentOffset());
      b.putLong(o + 16, d.size());
      putName(out, o + 24, d.partitionName());
      b.putInt(o + 60, d.flags());
      o += LpFormat.BLOCK_DEVICE_ENTRY_SIZE;
    }
    b.putInt(0, LpFormat.HEADER_MAGIC);
    b.putShort(4, (short) m.majorVersion());
    b.putShort(6, (short) m.minorVersion());
    b.putInt(8, headerSize);
    b.putInt(44, tablesSize);
    System.arraycopy(sha256(out, headerSize, tablesSize), 0, out, 48, 32);
    putDescriptor(b, 80, 0, m.partitions().size(), LpFormat.PARTITION_ENTRY_SIZE);
    putDescriptor(b, 92, ps, m.extents().size(), LpFormat.EXTENT_ENTRY_SIZE);
    putDescriptor(b, 104, ps + es, m.groups().size(), LpFormat.GROUP_ENTRY_SIZE);
    putDescriptor(b, 116, ps + es + gs, m.blockDevices().size(), LpFormat.BLOCK_DEVICE_ENTRY_SIZE);
    if (headerSize >= LpFormat.HEADER_V1_2_SIZE) {
      b.putInt(128, m.headerFlags());
    }
    System.arraycopy(sha256(out, 0, headerSize), 0, out, 12, 32);
    return out;
  }

  private static void putDescriptor(ByteBuffer b, int at, int offset, int count, int size) {
    b.putInt(at, offset);
    b.putInt(at + 4, count);
    b.putInt(at + 8, size);
  }

  private static void putName(byte[] out, int o, String name) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    if (n.length > LpFormat.NAME_LENGTH) {
      throw new IllegalArgumentException("name '" + name + "' is longer than 36 bytes");
    }
    System.arraycopy(n, 0, out, o, n.length);
  }

  static byte[] sha256(byte[] data, int off, int len) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(data, off, len);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  private static ByteBuffer le(byte[] a) {
    return ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static RomFormatException corrupt(String file, long at, String detail) {
    return RomFormatException.corrupt(file, LpFormat.NAME, at, detail);
  }
}
