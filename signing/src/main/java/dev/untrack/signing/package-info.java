/**
 * Signing, one package per concern: {@code keys} (loading PKCS12/JKS keystores and AOSP .pk8 + .x509.pem keys,
 * password sources, key generation), {@code apk} (v1+v2+v3 re-signing with apksig, the per-app keep-cert/resign
 * policy), {@code inspect} (signature reports as data: certificates read without digest checks, apksig's
 * verdict, keep-cert status), {@code avb} (vbmeta, descriptors, footers, dm-verity hash trees), {@code ota}
 * (whole-file OTA zip signatures, digest signers for payloads). Failures are {@link
 * dev.untrack.signing.SigningException}. Depends on no other untrack module.
 */
package dev.untrack.signing;
