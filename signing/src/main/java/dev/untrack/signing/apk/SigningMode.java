package dev.untrack.signing.apk;

/** What the user asked for, per app (see {@link SigningPolicy}). */
public enum SigningMode {
  /** Keep-cert where it is valid and needed, resign where a key is given and it is safe. The default. */
  AUTO,
  /** Carry over the original signature block and META-INF so the app keeps its certificate. */
  KEEP_CERT,
  /** Strip the signatures and sign v1+v2+v3 with the user's key. */
  RESIGN
}
