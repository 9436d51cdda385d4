package dev.vigil.saliency.render;

/**
 * The Turbo colormap: perceptually ordered, dark blue (0) through green and yellow to dark red
 * (1), readable by most colour-blind viewers and without jet's false bands.
 *
 * <p>Colormap design: A. Mikhailov, "Turbo, An Improved Rainbow Colormap for Visualization",
 * Google AI Blog, 2019 (LUT: gist mikhailov-work/ee72ba4191942acecc03fe6da94fc73f, Apache-2.0).
 * This class evaluates the published degree-5 polynomial approximation by R. Du (Google, GLSL
 * {@code TurboColormap}, same gist family, Apache-2.0), whose error against the LUT is below one
 * 8-bit step for most of the range, and caches it as a 256-entry table.
 */
public final class Turbo {
  // Coefficients of 1, t, t^2, t^3 (VEC4) and t^4, t^5 (VEC2), per channel, as published.
  private static final double[] RED4 = {0.13572138, 4.61539260, -42.66032258, 132.13108234};
  private static final double[] GREEN4 = {0.09140261, 2.19418839, 4.84296658, -14.18503333};
  private static final double[] BLUE4 = {0.10667330, 12.64194608, -60.58204836, 110.36276771};
  private static final double[] RED2 = {-152.94239396, 59.28637943};
  private static final double[] GREEN2 = {4.27729857, 2.82956604};
  private static final double[] BLUE2 = {-89.90310912, 27.34824973};

  /** Table size: one entry per 8-bit level, so the table loses nothing an 8-bit PNG can show. */
  public static final int LEVELS = 256;

  private static final int[] LUT = new int[LEVELS];

  static {
    for (int i = 0; i < LEVELS; i++) {
      LUT[i] = evaluate(i / (double) (LEVELS - 1));
    }
  }

  private Turbo() {}

  /**
   * The colour for {@code t} in [0, 1] (clamped; NaN maps to 0) as {@code 0xRRGGBB}, from the
   * 256-level table.
   */
  public static int rgb(double t) {
    if (!(t > 0)) {
      return LUT[0];
    }
    if (t >= 1) {
      return LUT[LEVELS - 1];
    }
    return LUT[(int) Math.round(t * (LEVELS - 1))];
  }

  /** The polynomial itself, rounded to 8 bits per channel. */
  static int evaluate(double t) {
    double x = Math.min(1, Math.max(0, t));
    double x2 = x * x;
    double x3 = x2 * x;
    double x4 = x2 * x2;
    double x5 = x4 * x;
    int r = channel(RED4, RED2, x, x2, x3, x4, x5);
    int g = channel(GREEN4, GREEN2, x, x2, x3, x4, x5);
    int b = channel(BLUE4, BLUE2, x, x2, x3, x4, x5);
    return (r << 16) | (g << 8) | b;
  }

  private static int channel(
      double[] c4, double[] c2, double x, double x2, double x3, double x4, double x5) {
    double v = c4[0] + c4[1] * x + c4[2] * x2 + c4[3] * x3 + c2[0] * x4 + c2[1] * x5;
    return (int) Math.round(255 * Math.min(1, Math.max(0, v)));
  }
}
