package dev.untrack.patcher.patch;

/** What an action does to each method its fingerprint found. */
public sealed interface Operation {
  /** Whether this operation replaces or extends the body (as opposed to rewriting string constants). */
  default boolean touchesBody() {
    return !(this instanceof Strings || this instanceof StringsContaining);
  }

  /** A short name for reports. */
  String keyword();

  record ReturnDefault() implements Operation {
    public String keyword() {
      return "return-default";
    }
  }

  record Return(Literal value) implements Operation {
    public String keyword() {
      return "return " + value;
    }
  }

  record Replace(SmaliBlock block) implements Operation {
    public String keyword() {
      return "replace";
    }
  }

  record Prepend(SmaliBlock block) implements Operation {
    public String keyword() {
      return "prepend";
    }
  }

  record Gate(MethodPattern check) implements Operation {
    public String keyword() {
      return "gate " + check;
    }
  }

  record Strings(String oldValue, String newValue) implements Operation {
    public String keyword() {
      return "strings " + Descriptors.quote(oldValue) + " -> " + Descriptors.quote(newValue);
    }
  }

  record StringsContaining(String part, String newValue) implements Operation {
    public String keyword() {
      return "strings-containing " + Descriptors.quote(part) + " -> " + Descriptors.quote(newValue);
    }
  }
}
