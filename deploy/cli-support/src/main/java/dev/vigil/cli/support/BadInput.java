package dev.vigil.cli.support;

/** Input the caller must fix (a flag's value, a missing file): exit 2 with this one-line message. */
public final class BadInput extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadInput(String message) {
    super(message);
  }

  public BadInput(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Options are parsed here rather than by picocli's converters so that a bad value is a one-line
   * bad-input error like every other (picocli would print the usage after it).
   */
  public static int integer(String option, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new BadInput(option + " '" + value + "' is not a whole number");
    }
  }

  /** A finite number, or a bad-input error naming the option. */
  public static double number(String option, String value) {
    try {
      double d = Double.parseDouble(value.strip());
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new BadInput(option + " '" + value + "' is not a number");
    }
  }

  /** Comma-separated numbers ({@code --mean 0.485,0.456,0.406}). */
  public static java.util.List<Double> numbers(String option, String value) {
    java.util.List<Double> out = new java.util.ArrayList<>();
    for (String part : value.split(",", -1)) {
      out.add(number(option, part));
    }
    return out;
  }
}
