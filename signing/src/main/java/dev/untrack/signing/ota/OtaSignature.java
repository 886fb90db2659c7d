package dev.untrack.signing.ota;

import java.security.cert.X509Certificate;

/**
 * The whole-file signature of an OTA zip, as recovery checks it.
 *
 * @param certificate the signer's certificate from the signature block, or null if unreadable
 * @param verifies whether the signature over the file (up to the comment length field) holds
 * @param trusted whether the certificate is one of those the caller trusts (false when none were given)
 * @param detail why not, in words; "verifies" otherwise
 */
public record OtaSignature(X509Certificate certificate, boolean verifies, boolean trusted, String detail) {}
