package dev.vigil.alerts;

import dev.vigil.classes.ClassScore;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Test content with real PNGs drawn with Java2D. Colours are chosen so a screenshot can find them:
 * chart bars are pure blue, histogram bars pure green, heatmap hot spots pure magenta.
 */
public final class Fixtures {
  public static final Color CHART_BLUE = new Color(0, 0, 255);
  public static final Color HIST_GREEN = new Color(0, 200, 0);
  public static final Color HEAT_MAGENTA = new Color(255, 0, 255);
  public static final Instant WINDOW_START = Instant.parse("2026-11-22T10:00:00Z");
  public static final Instant WINDOW_END = Instant.parse("2026-11-22T11:00:00Z");

  private Fixtures() {}

  public static ViolationLine stopShare(double share) {
    return new ViolationLine("class_share", "14",
        "class 14 (Stop) predicted " + Text.percent(share).replace(".0%", "%") + " of the time (limit 50%)",
        share, 0.5, 0.04, Severity.CRITICAL);
  }

  public static ViolationLine drift(double distance) {
    return new ViolationLine("drift", null, "class distribution drifted: L-inf distance " + Text.number(distance)
        + " (limit 0.1)", distance, 0.1, null, Severity.WARNING);
  }

  /** A content for {@code endpoint} with {@code heatmaps} flagged samples. */
  public static AlertContent content(String endpoint, Instant start, List<ViolationLine> violations, int heatmaps,
      String label) {
    List<HeatmapItem> items = new ArrayList<>();
    for (int i = 0; i < heatmaps; i++) {
      String eventId = "evt-" + endpoint + "-" + i;
      items.add(new HeatmapItem(eventId, 14, label, 0.9 - i * 0.01,
          List.of(new ClassScore(14, label, 0.9 - i * 0.01), new ClassScore(3, "Speed limit (60km/h)", 0.05),
              new ClassScore(1, "Speed limit (30km/h)", 0.02), new ClassScore(13, "Yield", 0.01),
              new ClassScore(38, "Keep right", 0.005)),
          overlay(224, i), input(224, i)));
    }
    return new AlertContent(endpoint, "v1", start, start.plusSeconds(3600), violations, chart(640, 360),
        histogram(640, 300), items, ("{\"endpoint\":\"" + endpoint + "\",\"violations\":" + violations.size() + "}")
            .getBytes(StandardCharsets.UTF_8),
        URI.create("s3://vigil/reports/" + endpoint + "/v1/2026/11/22/10/report.json"));
  }

  public static AlertContent clean(String endpoint, Instant start) {
    return new AlertContent(endpoint, "v1", start, start.plusSeconds(3600), List.of(), chart(640, 360),
        histogram(640, 300), List.of(), null, null);
  }

  public static byte[] chart(int w, int h) {
    BufferedImage img = canvas(w, h);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    Random rnd = new Random(7);
    int bars = 16;
    int bw = (w - 40) / bars;
    for (int i = 0; i < bars; i++) {
      int bh = i == 14 ? h - 60 : 20 + rnd.nextInt(h / 4);
      g.setColor(CHART_BLUE);
      g.fillRect(20 + i * bw, h - 20 - bh, bw / 2, bh);
      g.setColor(Color.ORANGE);
      g.fillRect(20 + i * bw + bw / 2, h - 20 - h / 8, bw / 3, h / 8);
    }
    g.setColor(Color.BLACK);
    g.drawString("predicted vs baseline", 30, 20);
    g.dispose();
    return png(img);
  }

  public static byte[] histogram(int w, int h) {
    BufferedImage img = canvas(w, h);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(HIST_GREEN);
    for (int i = 0; i < 10; i++) {
      int bh = 15 + i * (h - 60) / 10;
      g.fillRect(20 + i * (w - 40) / 10, h - 20 - bh, (w - 40) / 12, bh);
    }
    g.dispose();
    return png(img);
  }

  /** A heatmap overlay: a grey scene with a magenta hot spot whose position depends on {@code seed}. */
  public static byte[] overlay(int size, int seed) {
    BufferedImage img = canvas(size, size);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(new Color(90, 90, 110));
    g.fillRect(0, 0, size, size);
    Random rnd = new Random(seed);
    g.setColor(Color.YELLOW);
    g.fillOval(rnd.nextInt(size / 2), rnd.nextInt(size / 2), size / 2, size / 2);
    g.setColor(HEAT_MAGENTA);
    g.fillOval(size / 4 + rnd.nextInt(size / 4), size / 4 + rnd.nextInt(size / 4), size / 3, size / 3);
    g.setColor(Color.WHITE);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString("#" + seed, 4, 14);
    g.dispose();
    return png(img);
  }

  /** An input image: sky-blue background, a red octagon (a stop sign). */
  public static byte[] input(int size, int seed) {
    BufferedImage img = canvas(size, size);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(135, 190, 235));
    g.fillRect(0, 0, size, size);
    Polygon octagon = new Polygon();
    double r = size * 0.35;
    for (int k = 0; k < 8; k++) {
      double a = Math.PI / 8 + k * Math.PI / 4;
      octagon.addPoint((int) (size / 2 + r * Math.cos(a)), (int) (size / 2 + r * Math.sin(a)));
    }
    g.setColor(new Color(200, 20, 20));
    g.fillPolygon(octagon);
    g.setColor(Color.WHITE);
    g.setStroke(new BasicStroke(3));
    g.drawPolygon(octagon);
    g.drawString("STOP " + seed, size / 2 - 24, size / 2 + 4);
    g.dispose();
    return png(img);
  }

  /** A PNG of random noise: incompressible, so its size is predictable (~3 bytes per pixel). */
  public static byte[] noise(int size, int seed) {
    BufferedImage img = canvas(size, size);
    Random rnd = new Random(seed);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        img.setRGB(x, y, rnd.nextInt(0xFFFFFF));
      }
    }
    return png(img);
  }

  /** Deletes a directory tree (test data of embedded servers); best effort. */
  public static void deleteRecursively(java.nio.file.Path dir) {
    if (dir == null || !java.nio.file.Files.exists(dir)) {
      return;
    }
    try (var paths = java.nio.file.Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // leave it for the OS's temp cleaning
    }
  }

  private static BufferedImage canvas(int w, int h) {
    return new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
  }

  public static byte[] png(BufferedImage img) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
