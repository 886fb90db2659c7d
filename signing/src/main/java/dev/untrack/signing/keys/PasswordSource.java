package dev.untrack.signing.keys;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.SigningException.Kind;
import java.io.Console;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where a password comes from: a file (its first line), an environment variable, or an interactive prompt on a
 * console the caller hands in. Never a command-line value: command lines are visible to every user of the machine
 * ({@code ps}) and end up in shell histories.
 *
 * <p>{@link #password()} returns a fresh array each time; callers may wipe it after use.
 */
public interface PasswordSource {
  /** The password. */
  char[] password() throws SigningException;

  /** Where the password comes from, for messages (never the password itself). */
  String describe();

  /** The first line of {@code file} (UTF-8, without the line terminator). */
  static PasswordSource fromFile(Path file) {
    Objects.requireNonNull(file, "file");
    return new PasswordSource() {
      @Override
      public char[] password() throws SigningException {
        byte[] bytes;
        try {
          if (Files.size(file) > 1 << 16) {
            throw SigningException.of(Kind.PASSWORD, file, "password file is larger than 64 KiB");
          }
          bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
          throw SigningException.of(Kind.PASSWORD, file, "password file does not exist", e);
        } catch (IOException e) {
          throw SigningException.of(Kind.PASSWORD, file, "cannot read password file: " + e.getMessage(), e);
        }
        try {
          int end = 0;
          while (end < bytes.length && bytes[end] != '\n') {
            end++;
          }
          if (end > 0 && bytes[end - 1] == '\r') {
            end--;
          }
          CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, 0, end));
          char[] out = new char[chars.remaining()];
          chars.get(out);
          Arrays.fill(chars.array(), '\0');
          return out;
        } catch (CharacterCodingException e) {
          throw SigningException.of(Kind.PASSWORD, file, "password file is not valid UTF-8", e);
        } finally {
          Arrays.fill(bytes, (byte) 0);
        }
      }

      @Override
      public String describe() {
        return "password file " + file;
      }
    };
  }

  /** The value of environment variable {@code name}. */
  static PasswordSource fromEnvironment(String name) {
    return fromEnvironment(name, System::getenv);
  }

  /** The value of variable {@code name} in {@code environment} (tests pass a map's {@code get}). */
  static PasswordSource fromEnvironment(String name, Function<String, String> environment) {
    Objects.requireNonNull(name, "name");
    return new PasswordSource() {
      @Override
      public char[] password() throws SigningException {
        String v = environment.apply(name);
        if (v == null) {
          throw SigningException.of(Kind.PASSWORD, null, "environment variable " + name + " is not set");
        }
        return v.toCharArray();
      }

      @Override
      public String describe() {
        return "environment variable " + name;
      }
    };
  }

  /**
   * Asks on {@code console} (the CLI passes {@link System#console()}), once: the answer is remembered for
   * later calls. With {@code confirm} the password is asked twice and must match (for new keys).
   */
  static PasswordSource fromConsole(Console console, String prompt, boolean confirm) {
    return new PasswordSource() {
      private char[] remembered;

      @Override
      public synchronized char[] password() throws SigningException {
        if (remembered == null) {
          if (console == null) {
            throw SigningException.of(Kind.PASSWORD, null,
                "no console to ask for the password: give a password file or an environment variable");
          }
          char[] first = console.readPassword("%s: ", prompt);
          if (first == null) {
            throw SigningException.of(Kind.PASSWORD, null, "no password entered");
          }
          if (confirm) {
            char[] again = console.readPassword("%s (again): ", prompt);
            boolean same = again != null && Arrays.equals(first, again);
            if (again != null) {
              Arrays.fill(again, '\0');
            }
            if (!same) {
              Arrays.fill(first, '\0');
              throw SigningException.of(Kind.PASSWORD, null, "the two passwords differ");
            }
          }
          remembered = first;
        }
        return remembered.clone();
      }

      @Override
      public String describe() {
        return "console prompt";
      }
    };
  }

  /** A password held by the caller (API use and tests; the CLI never builds one from an argument). */
  static PasswordSource of(char[] password) {
    char[] copy = password.clone();
    return new PasswordSource() {
      @Override
      public char[] password() {
        return copy.clone();
      }

      @Override
      public String describe() {
        return "given password";
      }
    };
  }

  /** The empty password (unencrypted keys need none). */
  static PasswordSource none() {
    return of(new char[0]);
  }
}
