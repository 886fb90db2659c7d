package dev.untrack.signing.apk;

/**
 * What {@link ApkResigner} did.
 *
 * @param libraryPageAlignment the alignment used for stored {@code .so} data
 * @param storedLibraries how many stored {@code .so} entries the output has (all page-aligned)
 * @param certificateSha256 SHA-256 of the signing certificate, lower-case hex
 */
public record ResignResult(int libraryPageAlignment, int storedLibraries, String certificateSha256) {}
