package dev.untrack.rom.payload;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What a payload write produced: the manifest written, and the figures {@code payload_properties.txt}
 * carries (AOSP {@code brillo_update_payload properties}: base64 SHA-256 of the whole file and of the
 * metadata, i.e. header and manifest).
 */
public record PayloadWriteResult(
    Manifest manifest, long fileSize, byte[] fileSha256, long metadataSize, byte[] metadataSha256) {

  /** {@code payload_properties.txt}, keys sorted as AOSP writes them. */
  public String propertiesText() {
    Base64.Encoder b64 = Base64.getEncoder();
    return "FILE_HASH=" + b64.encodeToString(fileSha256) + "\n"
        + "FILE_SIZE=" + fileSize + "\n"
        + "METADATA_HASH=" + b64.encodeToString(metadataSha256) + "\n"
        + "METADATA_SIZE=" + metadataSize + "\n";
  }

  public byte[] properties() {
    return propertiesText().getBytes(StandardCharsets.US_ASCII);
  }
}
