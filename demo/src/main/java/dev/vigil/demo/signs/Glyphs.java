package dev.vigil.demo.signs;

import java.awt.BasicStroke;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Arc2D;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;

/**
 * A tiny stroke font for the characters on the demo's signs (digits and the letters of
 * "STOP"), drawn from lines and arcs.
 *
 * <p>Why not {@code Graphics2D.drawString}: logical fonts ("SansSerif", "Dialog") map to
 * whatever TrueType files a machine has, so glyph shapes (and with them every generated
 * pixel and a trained model's accuracy) would change from one machine to the next. These
 * outlines depend on nothing but the JDK's geometry code. The shapes follow the narrow,
 * even-stroked DIN 1451 lettering of German signs only roughly, which is all a 64 x 64
 * image can show anyway.
 *
 * <p>Each glyph is a centre line in a box of height 1 ({@code y} grows downwards) and
 * width {@link #width(char)}; {@link #outline(String, double, double, double, double)}
 * strokes the centre lines and lays the string out.
 */
final class Glyphs {
  /** Stroke width relative to the glyph height (DIN 1451 Mittelschrift is about 1/7). */
  static final double STROKE = 0.15;

  private static final double DIGIT_WIDTH = 0.56;
  private static final double LETTER_WIDTH = 0.62;
  private static final double SPACING = 0.12;

  private static final double L = STROKE / 2;
  private static final double T = STROKE / 2;
  private static final double B = 1 - STROKE / 2;

  private Glyphs() {}

  static double width(char c) {
    return Character.isDigit(c) ? DIGIT_WIDTH : LETTER_WIDTH;
  }

  /** Width of a laid-out string in glyph-height units. */
  static double advance(String text) {
    double w = 0;
    for (int i = 0; i < text.length(); i++) {
      w += width(text.charAt(i)) + (i > 0 ? SPACING : 0);
    }
    return w;
  }

  /**
   * The filled outline of {@code text}, centred on ({@code cx}, {@code cy}) and scaled so
   * that it is {@code height} tall, or narrower than {@code maxWidth} if it would not fit.
   */
  static Shape outline(String text, double cx, double cy, double height, double maxWidth) {
    double scale = Math.min(height, maxWidth / advance(text));
    double totalWidth = advance(text) * scale;
    Area area = new Area();
    BasicStroke stroke =
        new BasicStroke((float) STROKE, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND);
    double x = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      Shape stroked = stroke.createStrokedShape(centreLine(c));
      AffineTransform at = new AffineTransform();
      at.translate(cx - totalWidth / 2 + x * scale, cy - scale / 2);
      at.scale(scale, scale);
      area.add(new Area(at.createTransformedShape(stroked)));
      x += width(c) + SPACING;
    }
    return area;
  }

  /** The centre line of one glyph in its own box (height 1, width {@link #width(char)}). */
  static Shape centreLine(char c) {
    double r = Character.isDigit(c) ? DIGIT_WIDTH - L : LETTER_WIDTH - L;
    double w = r - L; // centre-line width
    double mx = (L + r) / 2;
    Path2D p = new Path2D.Double();
    switch (c) {
      case '0', 'O' -> {
        return new RoundRectangle2D.Double(L, T, w, B - T, w, w);
      }
      case '1' -> {
        double x = mx + 0.06;
        p.moveTo(L + 0.02, T + 0.22);
        p.lineTo(x, T);
        p.lineTo(x, B);
      }
      case '2' -> {
        double bowl = w; // the top bowl is round
        p.append(new Arc2D.Double(L, T, w, bowl, 160, -160, Arc2D.OPEN), false);
        p.curveTo(r, T + bowl / 2 + 0.2, L, B - 0.25, L, B);
        p.lineTo(r + 0.01, B);
      }
      case '3' -> {
        double mid = 0.47;
        p.append(new Arc2D.Double(L + 0.02, T, w - 0.04, mid - T, 155, -245, Arc2D.OPEN), false);
        p.append(new Arc2D.Double(L, mid, w, B - mid, 90, -250, Arc2D.OPEN), true);
      }
      case '4' -> {
        double x = r - 0.1;
        p.moveTo(x, B);
        p.lineTo(x, T);
        p.lineTo(L, 0.68);
        p.lineTo(r + 0.02, 0.68);
      }
      case '5' -> {
        double top = 0.38;
        p.moveTo(r, T);
        p.lineTo(L + 0.03, T);
        p.lineTo(L + 0.02, 0.47);
        p.append(new Arc2D.Double(L, top, w, B - top, 140, -285, Arc2D.OPEN), true);
      }
      case '6' -> {
        double top = 0.42;
        p.append(new Ellipse2D.Double(L, top, w, B - top), false);
        p.moveTo(r - 0.04, T + 0.02);
        p.curveTo(mx, T - 0.04, L, 0.2, L, (top + B) / 2);
      }
      case '9' -> {
        AffineTransform flip = AffineTransform.getRotateInstance(Math.PI, (L + r) / 2, 0.5);
        return flip.createTransformedShape(centreLine('6'));
      }
      case '7' -> {
        p.moveTo(L, T);
        p.lineTo(r, T);
        p.curveTo(r - 0.15, 0.45, mx - 0.08, 0.7, mx - 0.08, B);
      }
      case '8' -> {
        double mid = 0.48;
        p.append(new Ellipse2D.Double(L + 0.025, T, w - 0.05, mid - T), false);
        p.append(new Ellipse2D.Double(L, mid, w, B - mid), false);
      }
      case 'S' -> {
        double mid = 0.5;
        double botCy = (mid + B) / 2;
        p.append(new Arc2D.Double(L, T, w, mid - T, 20, 160, Arc2D.OPEN), false);
        p.curveTo(L, mid - 0.04, r, mid + 0.04, r, botCy);
        p.append(new Arc2D.Double(L, mid, w, B - mid, 0, -160, Arc2D.OPEN), true);
      }
      case 'T' -> {
        p.moveTo(L - 0.04, T);
        p.lineTo(r + 0.04, T);
        p.moveTo(mx, T);
        p.lineTo(mx, B);
      }
      case 'P' -> {
        double mid = 0.55;
        double bowlX = mx - 0.05;
        double a = r - bowlX;
        p.moveTo(L, B + STROKE / 2);
        p.lineTo(L, T);
        p.lineTo(bowlX, T);
        p.append(new Arc2D.Double(bowlX - a, T, 2 * a, mid - T, 90, -180, Arc2D.OPEN), true);
        p.lineTo(L, mid);
      }
      default -> throw new IllegalArgumentException("no glyph for character '" + c + "'");
    }
    return p;
  }
}
