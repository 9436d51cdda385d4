package dev.vigil.cli.support;

import dev.vigil.config.ConfigException;

/** What a command prints about a failure: a message a person can act on, never a bare class name or a stack trace. */
public final class FailureMessages {
  private FailureMessages() {}

  /**
   * The failure's message, or its first cause's when it has none. A configuration error keeps its
   * one line per problem (they are listed all at once, each with its fix).
   */
  public static String of(Throwable failure) {
    String message = failure.getMessage();
    if (message == null || message.isBlank()) {
      Throwable cause = failure.getCause();
      return cause != null ? of(cause) : failure.getClass().getSimpleName();
    }
    // by name: this module must not load ONNX Runtime (the agent's jar has none)
    return failure.getClass().getName().startsWith("ai.onnxruntime.") ? "ONNX Runtime: " + message : message;
  }

  /** {@link #of} on one line: configuration problems joined with {@code "; "}, newlines folded. */
  public static String oneLine(Throwable failure) {
    String message = failure instanceof ConfigException c && !c.problems().isEmpty()
        ? String.join("; ", c.problems())
        : of(failure);
    return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }
}
