/**
 * Signing: key loading and generation (PKCS12/JKS keystores, AOSP .pk8 + .x509.pem), APK signing (v1+v2+v3 with apksig) and certificate carry-over (keep-cert), verification results as data; later AVB vbmeta/hashtrees and payload/OTA-zip signatures. Depends on no other untrack module.
 */
package dev.untrack.signing;
