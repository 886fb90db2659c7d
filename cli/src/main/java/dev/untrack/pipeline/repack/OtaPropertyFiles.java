package dev.untrack.pipeline.repack;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.payload.Payload;
import dev.untrack.rom.payload.ProtoMessage;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code ota-property-files} style values of an A/B OTA's metadata ({@code META-INF/com/android/metadata},
 * text, and {@code metadata.pb}, {@code OtaMetadata.property_files = 4}): comma-separated {@code name:offset:size}
 * of entries in the zip, which update_engine and streaming clients use to fetch the payload without the rest.
 * Each value is recomputed for the new zip from the names it already lists, and padded with spaces to its old
 * length (as AOSP reserves it) so the metadata entries keep their size and the offsets stay valid.
 */
final class OtaPropertyFiles {
  static final String METADATA = "META-INF/com/android/metadata";
  static final String METADATA_PB = "META-INF/com/android/metadata.pb";
  private static final int PROPERTY_FILES = 4;

  private OtaPropertyFiles() {}

  /** True for a value that lists entries ("payload.bin:123:456,..."). */
  static boolean isPropertyFilesKey(String key) {
    return key.endsWith("property-files");
  }

  /** The new value of {@code old}, computed on {@code zip}; {@code old}'s length is kept when the new one fits. */
  static String recompute(String old, ZipArchive zip) throws IOException {
    String trimmed = old.strip();
    List<String> tokens = new ArrayList<>();
    for (String t : trimmed.split(",")) {
      if (t.isEmpty()) {
        continue;
      }
      String[] f = t.split(":");
      if (f.length != 3) {
        tokens.add(t);
        continue;
      }
      Optional<long[]> where = locate(f[0], zip);
      tokens.add(where.map(w -> f[0] + ":" + w[0] + ":" + w[1]).orElse(t));
    }
    String value = String.join(",", tokens);
    return value.length() < old.length() ? value + " ".repeat(old.length() - value.length()) : value;
  }

  /** Offset and size of the named item's data in the zip. */
  private static Optional<long[]> locate(String token, ZipArchive zip) throws IOException {
    String entry = switch (token) {
      case "metadata" -> METADATA;
      case "metadata.pb" -> METADATA_PB;
      case "payload_metadata.bin" -> "payload.bin";
      default -> token;
    };
    Optional<ZipEntry> e = zip.entry(entry);
    if (e.isEmpty()) {
      return Optional.empty();
    }
    if (token.equals("payload_metadata.bin")) {
      if (!e.get().isStored()) {
        return Optional.empty();
      }
      ByteSource p = zip.rawData(e.get());
      return Optional.of(new long[] {e.get().dataOffset(), Payload.readHeader(p).blobOffset()});
    }
    return Optional.of(new long[] {e.get().dataOffset(), e.get().compressedSize()});
  }

  /** The text metadata with every property-files value recomputed; other lines byte for byte. */
  static byte[] text(byte[] old, ZipArchive zip) throws IOException {
    String s = new String(old, StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder();
    int pos = 0;
    while (pos < s.length()) {
      int nl = s.indexOf('\n', pos);
      int end = nl < 0 ? s.length() : nl;
      String line = s.substring(pos, end);
      int eq = line.indexOf('=');
      if (eq > 0 && isPropertyFilesKey(line.substring(0, eq))) {
        line = line.substring(0, eq + 1) + recompute(line.substring(eq + 1), zip);
      }
      out.append(line);
      if (nl >= 0) {
        out.append('\n');
      }
      pos = end + 1;
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code metadata.pb} with every property-files map value recomputed; all other fields as they were. */
  static byte[] proto(byte[] old, ZipArchive zip, String name) throws IOException {
    ProtoMessage m;
    List<ProtoMessage> entries;
    try {
      m = ProtoMessage.parse(old);
      entries = m.messages(PROPERTY_FILES);
    } catch (InvalidProtocolBufferException e) {
      throw RomFormatException.corrupt(name, "OtaMetadata", RomFormatException.NO_OFFSET,
          "unparsable metadata.pb: " + e.getMessage(), e);
    }
    List<ProtoMessage.Field> fields = new ArrayList<>();
    int next = 0;
    for (ProtoMessage.Field f : m.fields()) {
      if (f.number() != PROPERTY_FILES) {
        fields.add(f);
        continue;
      }
      ProtoMessage entry = entries.get(next++);
      String key = entry.string(1);
      if (key == null || !isPropertyFilesKey(key)) {
        fields.add(f);
        continue;
      }
      String value = entry.string(2);
      fields.add(ProtoMessage.Field.message(PROPERTY_FILES, ProtoMessage.of(List.of(
          ProtoMessage.Field.string(1, key), ProtoMessage.Field.string(2, recompute(value == null ? "" : value, zip))))));
    }
    return ProtoMessage.of(fields).toByteArray();
  }

  /** New contents for the metadata entries present in {@code zip}, by entry name. */
  static Map<String, byte[]> regenerate(ZipArchive zip, Map<String, byte[]> current) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    if (current.containsKey(METADATA)) {
      out.put(METADATA, text(current.get(METADATA), zip));
    }
    if (current.containsKey(METADATA_PB)) {
      out.put(METADATA_PB, proto(current.get(METADATA_PB), zip, METADATA_PB));
    }
    return out;
  }
}
