package dev.untrack.patcher.patch;

/** A constant in {@code return VALUE}. */
public sealed interface Literal {
  record Bool(boolean value) implements Literal {
    @Override
    public String toString() {
      return Boolean.toString(value);
    }
  }

  record Int(long value) implements Literal {
    @Override
    public String toString() {
      return Long.toString(value);
    }
  }

  record Null() implements Literal {
    @Override
    public String toString() {
      return "null";
    }
  }

  record Str(String value) implements Literal {
    @Override
    public String toString() {
      return Descriptors.quote(value);
    }
  }
}
