package dev.untrack.patcher;

/**
 * A patch could not be loaded or applied: a syntax error in a patch file, an ambiguous fingerprint, smali that
 * does not assemble, a method the action cannot be applied to. Carries the patch id and the target (an app, a
 * method) when they are known, so the user is told in one line what failed where.
 */
public class PatchException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String patchId;
  private final String target;

  public PatchException(String message) {
    this(null, null, message, null);
  }

  public PatchException(String patchId, String target, String message) {
    this(patchId, target, message, null);
  }

  public PatchException(String patchId, String target, String message, Throwable cause) {
    super(compose(patchId, target, message), cause);
    this.patchId = patchId;
    this.target = target;
  }

  /** The id of the patch that failed, or null when the failure is not tied to one patch. */
  public String patchId() {
    return patchId;
  }

  /** What the patch was being applied to (app, method), or null. */
  public String target() {
    return target;
  }

  private static String compose(String patchId, String target, String message) {
    StringBuilder sb = new StringBuilder();
    if (target != null && !target.isEmpty()) {
      sb.append(target).append(": ");
    }
    if (patchId != null && !patchId.isEmpty()) {
      sb.append("patch ").append(patchId).append(": ");
    }
    return sb.append(message).toString();
  }
}
