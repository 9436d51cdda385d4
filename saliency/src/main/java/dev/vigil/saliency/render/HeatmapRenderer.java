package dev.vigil.saliency.render;

import dev.vigil.classes.ClassScore;
import dev.vigil.saliency.image.Region;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws FullGrad maps for people: a Turbo heatmap alpha-blended over the input image at its
 * original size, a panel (input | overlay | colour bar | top-5 classes) and a colour bar. Pure
 * Java2D, headless, deterministic (same inputs, same bytes on the same JDK).
 *
 * <p><b>Display normalisation.</b> Raw FullGrad values have no absolute scale, so each map is
 * shown relative to itself: {@code v = (m - min) / (max - min)} over that image's map (all zeros
 * when the map is flat), then coloured with {@link Turbo}. The hottest pixel of every overlay is
 * therefore Turbo's top colour; compare maps with the raw {@code .npy}, not with the pictures.
 *
 * <p><b>Geometry.</b> The map lives on the model input's grid. It is put back on the original
 * image through the pre-processing {@link Region} and upsampled bilinearly (pixel centres at
 * {@code i + 0.5}, edges clamped); original pixels outside the region (cropped away) show the
 * image only.
 *
 * <p><b>Blend.</b> Per channel: {@code out = round((1 - alpha) * image + alpha * colour)}.
 */
public final class HeatmapRenderer {
  /** Default heatmap opacity: enough to read the map and still recognise the image. */
  public static final double DEFAULT_ALPHA = 0.5;

  /** Default height of the image tiles of a panel, in pixels. */
  public static final int DEFAULT_TILE_HEIGHT = 224;

  static final int PAD = 8;
  static final int HEADER = 28;
  static final int BAR_WIDTH = 16;
  static final int BAR_LABEL_WIDTH = 40;
  static final int TEXT_WIDTH = 260;

  private final double alpha;
  private final int tileHeight;

  /**
   * @param alpha heatmap opacity in [0, 1]
   * @param tileHeight height of the panel's image tiles, at least 32
   */
  public HeatmapRenderer(double alpha, int tileHeight) {
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha " + alpha + " must be in [0, 1]");
    }
    if (tileHeight < 32) {
      throw new IllegalArgumentException("tile height " + tileHeight + " must be at least 32");
    }
    this.alpha = alpha;
    this.tileHeight = tileHeight;
  }

  /** Alpha 0.5, 224-pixel panel tiles. */
  public static HeatmapRenderer defaults() {
    return new HeatmapRenderer(DEFAULT_ALPHA, DEFAULT_TILE_HEIGHT);
  }

  /**
   * Display normalisation of one map: {@code (m - min) / (max - min)}, zeros for a flat map;
   * non-finite values count as the minimum.
   */
  public static float[] normalise(float[] map) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (float v : map) {
      if (Float.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    float[] out = new float[map.length];
    double range = max - min;
    if (!(range > 0)) {
      return out;
    }
    for (int i = 0; i < map.length; i++) {
      out[i] = Float.isFinite(map[i]) ? (float) ((map[i] - min) / range) : 0f;
    }
    return out;
  }

  /**
   * The overlay at the original image's size.
   *
   * @param original the input image as the user sent it
   * @param map raw {@code mh x mw} map of this image (row-major)
   * @param region the part of {@code original} the map covers
   */
  public BufferedImage overlay(
      BufferedImage original, float[] map, int mh, int mw, Region region) {
    if (map.length != mh * mw) {
      throw new IllegalArgumentException(
          "map has " + map.length + " values, expected " + mh + "x" + mw);
    }
    float[] v = normalise(map);
    int w = original.getWidth();
    int h = original.getHeight();
    int[] px = original.getRGB(0, 0, w, h, null, 0, w);
    int[] out = new int[w * h];
    // Sampling positions are separable: work them out once per column and once per row.
    Axis xs = Axis.of(w, region.left(), region.width(), mw);
    Axis ys = Axis.of(h, region.top(), region.height(), mh);
    for (int y = 0; y < h; y++) {
      boolean insideY = ys.inside[y];
      int row0 = ys.i0[y] * mw;
      int row1 = ys.i1[y] * mw;
      double fy = ys.f[y];
      for (int x = 0; x < w; x++) {
        int p = px[y * w + x] & 0xFFFFFF;
        if (!insideY || !xs.inside[x]) {
          out[y * w + x] = p;
          continue;
        }
        double fx = xs.f[x];
        int x0 = xs.i0[x];
        int x1 = xs.i1[x];
        double top = v[row0 + x0] * (1 - fx) + v[row0 + x1] * fx;
        double bottom = v[row1 + x0] * (1 - fx) + v[row1 + x1] * fx;
        out[y * w + x] = blend(p, Turbo.rgb(top * (1 - fy) + bottom * fy), alpha);
      }
    }
    BufferedImage result = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    result.setRGB(0, 0, w, h, out, 0, w);
    return result;
  }

  /**
   * Where each output pixel along one axis samples the map: neighbours {@code i0, i1}, weight
   * {@code f} of {@code i1}, and whether it lies inside the region at all.
   */
  private static final class Axis {
    final boolean[] inside;
    final int[] i0;
    final int[] i1;
    final double[] f;

    private Axis(int n) {
      inside = new boolean[n];
      i0 = new int[n];
      i1 = new int[n];
      f = new double[n];
    }

    static Axis of(int n, double start, double length, int cells) {
      Axis a = new Axis(n);
      double scale = cells / length;
      for (int i = 0; i < n; i++) {
        double c = i + 0.5 - start;
        a.inside[i] = c >= 0 && c < length;
        double m = Math.min(Math.max(c * scale - 0.5, 0), cells - 1);
        a.i0[i] = (int) Math.floor(m);
        a.i1[i] = Math.min(a.i0[i] + 1, cells - 1);
        a.f[i] = m - a.i0[i];
      }
      return a;
    }
  }

  /** {@code round((1 - a) * base + a * top)} per channel. */
  static int blend(int base, int top, double a) {
    int r = (int) Math.round((1 - a) * ((base >> 16) & 0xFF) + a * ((top >> 16) & 0xFF));
    int g = (int) Math.round((1 - a) * ((base >> 8) & 0xFF) + a * ((top >> 8) & 0xFF));
    int b = (int) Math.round((1 - a) * (base & 0xFF) + a * (top & 0xFF));
    return (r << 16) | (g << 8) | b;
  }

  /** Bilinear sample at fractional grid position (y, x), edges clamped. */
  static double bilinear(float[] v, int h, int w, double y, double x) {
    double yc = Math.min(Math.max(y, 0), h - 1);
    double xc = Math.min(Math.max(x, 0), w - 1);
    int y0 = (int) Math.floor(yc);
    int x0 = (int) Math.floor(xc);
    int y1 = Math.min(y0 + 1, h - 1);
    int x1 = Math.min(x0 + 1, w - 1);
    double fy = yc - y0;
    double fx = xc - x0;
    double top = v[y0 * w + x0] * (1 - fx) + v[y0 * w + x1] * fx;
    double bottom = v[y1 * w + x0] * (1 - fx) + v[y1 * w + x1] * fx;
    return top * (1 - fy) + bottom * fy;
  }

  /**
   * A vertical colour bar, high (1, Turbo's top colour) at the top, low (0) at the bottom, with
   * "high"/"low" labels to its right.
   */
  public BufferedImage colorBar(int height) {
    BufferedImage bar =
        new BufferedImage(BAR_WIDTH + BAR_LABEL_WIDTH, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(bar);
    try {
      drawBar(g, 0, 0, height);
    } finally {
      g.dispose();
    }
    return bar;
  }

  private static void drawBar(Graphics2D g, int x0, int y0, int height) {
    for (int y = 0; y < height; y++) {
      double t = height == 1 ? 1 : 1 - y / (double) (height - 1);
      g.setColor(new Color(Turbo.rgb(t)));
      g.fillRect(x0, y0 + y, BAR_WIDTH, 1);
    }
    g.setColor(Color.DARK_GRAY);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    FontMetrics fm = g.getFontMetrics();
    g.drawString("high", x0 + BAR_WIDTH + 4, y0 + fm.getAscent());
    g.drawString("low", x0 + BAR_WIDTH + 4, y0 + height - fm.getDescent());
  }

  /** Width of an image tile of the panel for an original of {@code w x h}. */
  int tileWidth(int w, int h) {
    return Math.max(1, (int) Math.round(tileHeight * (double) w / h));
  }

  /**
   * The panel: {@code input | overlay | colour bar | top-5 classes}, with a title line.
   *
   * <p>Size: width {@code 4 * PAD + 2 * tile + bar + text + PAD}, height {@code HEADER + tile
   * height + PAD}, where a tile keeps the original's aspect ratio at the configured height.
   *
   * @param title one line shown at the top (e.g. event id and explained class)
   * @param top the classes to list, best first (5 are shown at most)
   */
  public BufferedImage panel(
      BufferedImage original, BufferedImage overlay, List<ClassScore> top, String title) {
    int th = tileHeight;
    int tw = tileWidth(original.getWidth(), original.getHeight());
    int barW = BAR_WIDTH + BAR_LABEL_WIDTH;
    int width = PAD + tw + PAD + tw + PAD + barW + PAD + TEXT_WIDTH + PAD;
    int height = HEADER + th + PAD;
    BufferedImage panel = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(panel);
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
      g.drawString(fit(g, title, width - 2 * PAD), PAD, HEADER - 9);
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      int x = PAD;
      g.drawImage(original, x, HEADER, tw, th, null);
      x += tw + PAD;
      g.drawImage(overlay, x, HEADER, tw, th, null);
      x += tw + PAD;
      drawBar(g, x, HEADER, th);
      x += barW + PAD;
      drawScores(g, x, HEADER, top);
    } finally {
      g.dispose();
    }
    return panel;
  }

  private static void drawScores(Graphics2D g, int x, int y, List<ClassScore> top) {
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    FontMetrics fm = g.getFontMetrics();
    int line = fm.getHeight() + 12;
    g.drawString("top classes", x, y + fm.getAscent());
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    fm = g.getFontMetrics();
    int shown = Math.min(5, top.size());
    for (int i = 0; i < shown; i++) {
      ClassScore s = top.get(i);
      int rowY = y + (i + 1) * line;
      String text =
          String.format(Locale.ROOT, "%d. %s  %.1f%%", i + 1, s.label(), 100 * s.score());
      g.setColor(Color.BLACK);
      g.drawString(fit(g, text, TEXT_WIDTH), x, rowY + fm.getAscent());
      int barY = rowY + fm.getHeight() + 1;
      g.setColor(new Color(0xDDDDDD));
      g.fillRect(x, barY, TEXT_WIDTH - PAD, 6);
      g.setColor(new Color(Turbo.rgb(s.score())));
      g.fillRect(x, barY, (int) Math.round((TEXT_WIDTH - PAD) * clamp01(s.score())), 6);
    }
  }

  private static double clamp01(double v) {
    return Math.min(1, Math.max(0, v));
  }

  /** Cuts a string with an ellipsis so it fits {@code maxWidth} pixels. */
  private static String fit(Graphics2D g, String s, int maxWidth) {
    FontMetrics fm = g.getFontMetrics();
    if (fm.stringWidth(s) <= maxWidth) {
      return s;
    }
    String cut = s;
    while (!cut.isEmpty() && fm.stringWidth(cut + "…") > maxWidth) {
      cut = cut.substring(0, cut.length() - 1);
    }
    return cut + "…";
  }

  private static Graphics2D canvas(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setStroke(new BasicStroke(1));
    return g;
  }

  /**
   * Writes a PNG, creating parent directories.
   *
   * @throws UncheckedIOException when the file cannot be written
   */
  public static void writePng(BufferedImage image, Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (!ImageIO.write(image, "png", file.toFile())) {
        throw new IOException("no PNG writer available");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
