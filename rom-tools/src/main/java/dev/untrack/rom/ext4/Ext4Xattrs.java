package dev.untrack.rom.ext4;

import static dev.untrack.rom.io.LittleEndian.s32;
import static dev.untrack.rom.io.LittleEndian.u16;
import static dev.untrack.rom.io.LittleEndian.u32;
import static dev.untrack.rom.io.LittleEndian.u8;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Parses ext4 extended attribute entries (in the inode after {@code i_extra_isize}, or in one xattr block). */
final class Ext4Xattrs {
  static final int MAGIC = 0xEA020000;
  static final int MAX_VALUE = 64 * 1024;

  private Ext4Xattrs() {}

  static String prefix(int index) {
    switch (index) {
      case 1: return "user.";
      case 2: return "system.posix_acl_access";
      case 3: return "system.posix_acl_default";
      case 4: return "trusted.";
      case 6: return "security.";
      case 7: return "system.";
      case 8: return "system.richacl";
      default: return null;
    }
  }

  /**
   * Reads entries from {@code region[start, end)}; values live at {@code valueBase + e_value_offs} within the
   * region. {@code regionOffset} is where the region sits in the image (for errors).
   */
  static void parse(Ext4Image image, byte[] region, int start, int end, int valueBase, long regionOffset,
      long inodeNo, Map<String, byte[]> out) throws IOException {
    int pos = start;
    int count = 0;
    while (pos + 4 <= end && s32(region, pos) != 0) {
      if (pos + 16 > end) {
        throw image.corrupt(regionOffset + pos, "xattr entry of inode " + inodeNo + " runs past its area");
      }
      int nameLen = u8(region, pos);
      int index = u8(region, pos + 1);
      int valueOffs = u16(region, pos + 2);
      long valueInum = u32(region, pos + 4);
      long valueSize = u32(region, pos + 8);
      int entryLen = (16 + nameLen + 3) & ~3;
      if (pos + 16 + nameLen > end) {
        throw image.corrupt(regionOffset + pos, "xattr name of inode " + inodeNo + " runs past its area");
      }
      if (++count > 4096) {
        throw image.corrupt(regionOffset + pos, "too many xattrs in inode " + inodeNo);
      }
      String prefix = prefix(index);
      if (prefix == null) {
        throw image.corrupt(regionOffset + pos, "unknown xattr name index " + index + " in inode " + inodeNo);
      }
      String name = prefix + new String(region, pos + 16, nameLen, StandardCharsets.UTF_8);
      if (valueSize > MAX_VALUE) {
        throw image.corrupt(regionOffset + pos, "xattr " + name + " of inode " + inodeNo + " is " + valueSize
            + " bytes (limit " + MAX_VALUE + ")");
      }
      byte[] value;
      if (valueInum != 0) {
        value = image.eaInodeValue(valueInum, (int) valueSize, inodeNo);
      } else {
        long vstart = (long) valueBase + valueOffs;
        if (vstart + valueSize > region.length) {
          throw image.corrupt(regionOffset + pos, "xattr " + name + " value of inode " + inodeNo
              + " lies outside its area");
        }
        value = java.util.Arrays.copyOfRange(region, (int) vstart, (int) (vstart + valueSize));
      }
      if (index == 2 || index == 3) {
        value = aclToXattr(image, value, regionOffset + pos, inodeNo);
      }
      out.putIfAbsent(name, value);
      pos += entryLen;
    }
  }

  /**
   * ext4 stores POSIX ACLs in its own compact form (version 1, short entries without ids); the kernel and
   * EROFS expose the VFS form (version 2, 8-byte entries). Converted so that attributes compare equal across
   * formats.
   */
  static byte[] aclToXattr(Ext4Image image, byte[] v, long where, long inodeNo) throws IOException {
    if (v.length < 4 || s32(v, 0) != 1) {
      throw image.corrupt(where, "bad ext4 ACL header in inode " + inodeNo);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    put32(out, 2);
    int pos = 4;
    while (pos < v.length) {
      if (pos + 4 > v.length) {
        throw image.corrupt(where, "truncated ext4 ACL entry in inode " + inodeNo);
      }
      int tag = u16(v, pos);
      int perm = u16(v, pos + 2);
      long id = 0xffffffffL;
      if (tag == 0x02 || tag == 0x08) {
        if (pos + 8 > v.length) {
          throw image.corrupt(where, "truncated ext4 ACL entry in inode " + inodeNo);
        }
        id = u32(v, pos + 4);
        pos += 8;
      } else if (tag == 0x01 || tag == 0x04 || tag == 0x10 || tag == 0x20) {
        pos += 4;
      } else {
        throw image.corrupt(where, "unknown ext4 ACL tag " + tag + " in inode " + inodeNo);
      }
      out.write(tag);
      out.write(tag >>> 8);
      out.write(perm);
      out.write(perm >>> 8);
      put32(out, (int) id);
    }
    return out.toByteArray();
  }

  private static void put32(ByteArrayOutputStream o, int v) {
    o.write(v);
    o.write(v >>> 8);
    o.write(v >>> 16);
    o.write(v >>> 24);
  }
}
