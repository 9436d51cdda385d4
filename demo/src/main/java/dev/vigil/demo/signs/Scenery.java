package dev.vigil.demo.signs;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * Backgrounds behind the signs: sky over ground, foliage, façades and smooth noise, plus
 * clutter blobs. All colours stay muted (saturation at most about 0.6) so that the
 * saturated red, blue and yellow of the sign faces stay the thing that identifies a class,
 * as on real roads; clutter of every hue still appears so a model cannot learn "any red
 * pixel means a prohibitory sign".
 */
final class Scenery {
  private Scenery() {}

  static void paint(BufferedImage canvas, Graphics2D g, SplittableRandom rng) {
    int size = canvas.getWidth();
    switch (rng.nextInt(4)) {
      case 0 -> skyAndGround(g, size, rng);
      case 1 -> foliage(g, size, rng);
      case 2 -> facade(g, size, rng);
      case 3 -> smoothNoise(canvas, rng);
      default -> throw new IllegalStateException("unreachable");
    }
    int clutter = rng.nextInt(5);
    for (int i = 0; i < clutter; i++) {
      g.setColor(muted(rng, rng.nextDouble(), 0.6, 0.2, 0.9, 90 + rng.nextInt(166)));
      double w = size * (0.1 + 0.4 * rng.nextDouble());
      double h = size * (0.1 + 0.4 * rng.nextDouble());
      double x = size * rng.nextDouble() - w / 2;
      double y = size * rng.nextDouble() - h / 2;
      if (rng.nextBoolean()) {
        g.fill(new Ellipse2D.Double(x, y, w, h));
      } else {
        g.fill(new Rectangle2D.Double(x, y, w, h));
      }
    }
  }

  private static void skyAndGround(Graphics2D g, int size, SplittableRandom rng) {
    Color top = muted(rng, 0.55 + 0.1 * rng.nextDouble(), 0.55, 0.55, 0.95, 255);
    Color low = mix(top, new Color(235, 238, 240), 0.4 + 0.5 * rng.nextDouble());
    float horizon = (float) (size * (0.45 + 0.45 * rng.nextDouble()));
    g.setPaint(new GradientPaint(0, 0, top, 0, horizon, low));
    g.fill(new Rectangle2D.Double(0, 0, size, horizon));
    // ground: grass, asphalt or soil
    double[] hues = {0.22 + 0.1 * rng.nextDouble(), 0.08 + 0.05 * rng.nextDouble(), 0.6};
    Color ground = muted(rng, hues[rng.nextInt(hues.length)], 0.45, 0.2, 0.6, 255);
    g.setPaint(ground);
    g.fill(new Rectangle2D.Double(0, horizon, size, size - horizon));
    int trees = rng.nextInt(7);
    for (int i = 0; i < trees; i++) {
      g.setColor(muted(rng, 0.2 + 0.15 * rng.nextDouble(), 0.6, 0.12, 0.45, 255));
      double r = size * (0.06 + 0.14 * rng.nextDouble());
      double x = size * rng.nextDouble();
      g.fill(new Ellipse2D.Double(x - r, horizon - r * 1.6, 2 * r, 2.2 * r));
    }
  }

  private static void foliage(Graphics2D g, int size, SplittableRandom rng) {
    g.setColor(muted(rng, 0.22 + 0.12 * rng.nextDouble(), 0.6, 0.08, 0.35, 255));
    g.fillRect(0, 0, size, size);
    int leaves = 30 + rng.nextInt(50);
    for (int i = 0; i < leaves; i++) {
      double hue = rng.nextDouble() < 0.85 ? 0.16 + 0.2 * rng.nextDouble() : 0.07;
      g.setColor(muted(rng, hue, 0.6, 0.1, 0.7, 120 + rng.nextInt(136)));
      double w = size * (0.03 + 0.15 * rng.nextDouble());
      double h = w * (0.5 + rng.nextDouble());
      g.fill(new Ellipse2D.Double(size * rng.nextDouble() - w / 2, size * rng.nextDouble() - h / 2, w, h));
    }
  }

  private static void facade(Graphics2D g, int size, SplittableRandom rng) {
    g.setColor(muted(rng, rng.nextDouble(), 0.25, 0.35, 0.85, 255));
    g.fillRect(0, 0, size, size);
    int blocks = 2 + rng.nextInt(5);
    for (int i = 0; i < blocks; i++) {
      Color wall = muted(rng, rng.nextDouble(), 0.3, 0.25, 0.85, 255);
      double x = size * rng.nextDouble() - size * 0.2;
      double w = size * (0.2 + 0.5 * rng.nextDouble());
      double y = size * rng.nextDouble() * 0.6;
      g.setColor(wall);
      g.fill(new Rectangle2D.Double(x, y, w, size - y));
      // a grid of windows, darker than the wall
      Color glass = mix(wall, new Color(30, 40, 55), 0.5 + 0.4 * rng.nextDouble());
      g.setColor(glass);
      double step = size * (0.08 + 0.08 * rng.nextDouble());
      for (double wy = y + step * 0.4; wy < size; wy += step) {
        for (double wx = x + step * 0.3; wx < x + w - step * 0.5; wx += step) {
          g.fill(new Rectangle2D.Double(wx, wy, step * 0.5, step * 0.55));
        }
      }
    }
  }

  /** Value noise: a coarse random grid, bilinearly upsampled, mapped between two colours. */
  private static void smoothNoise(BufferedImage canvas, SplittableRandom rng) {
    int size = canvas.getWidth();
    int cells = 3 + rng.nextInt(6);
    double[] grid = new double[(cells + 1) * (cells + 1)];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = rng.nextDouble();
    }
    Color a = muted(rng, rng.nextDouble(), 0.5, 0.1, 0.9, 255);
    Color b = muted(rng, rng.nextDouble(), 0.5, 0.1, 0.9, 255);
    int[] pixels = new int[size * size];
    for (int y = 0; y < size; y++) {
      double gy = (double) y / size * cells;
      int y0 = (int) gy;
      double fy = smooth(gy - y0);
      for (int x = 0; x < size; x++) {
        double gx = (double) x / size * cells;
        int x0 = (int) gx;
        double fx = smooth(gx - x0);
        double top = lerp(grid[y0 * (cells + 1) + x0], grid[y0 * (cells + 1) + x0 + 1], fx);
        double bottom =
            lerp(grid[(y0 + 1) * (cells + 1) + x0], grid[(y0 + 1) * (cells + 1) + x0 + 1], fx);
        pixels[y * size + x] = mix(a, b, lerp(top, bottom, fy)).getRGB();
      }
    }
    canvas.setRGB(0, 0, size, size, pixels, 0, size);
  }

  private static double smooth(double t) {
    return t * t * (3 - 2 * t);
  }

  private static double lerp(double a, double b, double t) {
    return a + (b - a) * t;
  }

  /** A colour of the given hue with random saturation up to maxSat and value in range. */
  static Color muted(
      SplittableRandom rng, double hue, double maxSat, double minValue, double maxValue, int alpha) {
    float s = (float) (maxSat * rng.nextDouble());
    float v = (float) (minValue + (maxValue - minValue) * rng.nextDouble());
    int rgb = Color.HSBtoRGB((float) hue, s, v);
    return new Color((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, alpha);
  }

  static Color mix(Color a, Color b, double t) {
    return new Color(
        (int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * t),
        (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * t),
        (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * t));
  }
}
