package dev.vigil.demo.signs;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Arc2D;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;

/**
 * Draws one sign face in unit coordinates: centre (0, 0), the sign's outer edge on the unit
 * circle (or its polygon inscribed in it), {@code y} downwards. The caller sets the
 * transform (position, size, rotation, perspective squeeze).
 *
 * <p>Proportions follow the German StVO drawings loosely: prohibitory signs have a red ring
 * a tenth of the diameter wide, warning triangles point up with a red border, mandatory
 * signs are blue disks with white arrows, and every sign keeps its thin white rim.
 */
final class SignPainter {
  /** Red ring of prohibitory signs: outer and inner radius. */
  private static final double RING_OUTER = 0.95;
  private static final double RING_INNER = 0.75;

  private SignPainter() {}

  /** The sign's colours; the generator fades and tints them per image. */
  record Palette(Color red, Color blue, Color yellow, Color white, Color black, Color grey) {
    static final Palette STANDARD =
        new Palette(
            new Color(196, 22, 34),
            new Color(18, 78, 168),
            new Color(246, 188, 18),
            new Color(243, 243, 238),
            new Color(22, 22, 24),
            new Color(112, 112, 112));
  }

  static void paint(Graphics2D g, SignClass sign, Palette p) {
    switch (sign) {
      case SPEED_LIMIT_20 -> speedLimit(g, p, "20");
      case SPEED_LIMIT_30 -> speedLimit(g, p, "30");
      case SPEED_LIMIT_50 -> speedLimit(g, p, "50");
      case SPEED_LIMIT_60 -> speedLimit(g, p, "60");
      case SPEED_LIMIT_70 -> speedLimit(g, p, "70");
      case SPEED_LIMIT_80 -> speedLimit(g, p, "80");
      case SPEED_LIMIT_100 -> speedLimit(g, p, "100");
      case SPEED_LIMIT_120 -> speedLimit(g, p, "120");
      case END_SPEED_LIMIT_80 -> endSpeedLimit(g, p);
      case NO_PASSING -> {
        prohibitory(g, p);
        carFront(g, -0.27, p.red());
        carFront(g, 0.27, p.black());
      }
      case NO_PASSING_TRUCKS -> {
        prohibitory(g, p);
        truckFront(g, -0.27, p.red(), p.white());
        carFront(g, 0.27, p.black());
      }
      case RIGHT_OF_WAY -> {
        warningTriangle(g, p);
        g.setColor(p.black());
        g.fill(new Rectangle2D.Double(-0.07, -0.2, 0.14, 0.72));
        g.fill(new Rectangle2D.Double(-0.28, 0.2, 0.56, 0.085));
      }
      case PRIORITY_ROAD -> priorityRoad(g, p);
      case YIELD -> yieldSign(g, p);
      case STOP -> stop(g, p);
      case NO_VEHICLES -> prohibitory(g, p);
      case TRUCKS_PROHIBITED -> {
        prohibitory(g, p);
        truckSide(g, p.black(), p.white());
      }
      case NO_ENTRY -> {
        disk(g, 1.0, p.white());
        disk(g, 0.95, p.red());
        g.setColor(p.white());
        g.fill(new Rectangle2D.Double(-0.66, -0.15, 1.32, 0.30));
      }
      case GENERAL_CAUTION -> {
        warningTriangle(g, p);
        g.setColor(p.black());
        Path2D bar = new Path2D.Double();
        bar.moveTo(-0.075, -0.17);
        bar.lineTo(0.075, -0.17);
        bar.lineTo(0.045, 0.3);
        bar.lineTo(-0.045, 0.3);
        bar.closePath();
        g.fill(bar);
        g.fill(new Ellipse2D.Double(-0.065, 0.37, 0.13, 0.13));
      }
      case AHEAD_ONLY -> {
        mandatory(g, p);
        Path2D shaft = new Path2D.Double();
        shaft.moveTo(0, 0.66);
        shaft.lineTo(0, -0.2);
        arrow(g, p.white(), shaft, 0, -0.68, 0, -1);
      }
      case TURN_RIGHT_AHEAD -> turn(g, p, 1);
      case TURN_LEFT_AHEAD -> turn(g, p, -1);
      case KEEP_RIGHT -> keep(g, p, 1);
      case KEEP_LEFT -> keep(g, p, -1);
      case ROUNDABOUT -> roundabout(g, p);
      default -> throw new IllegalStateException("no painter for sign " + sign);
    }
  }

  private static void speedLimit(Graphics2D g, Palette p, String digits) {
    prohibitory(g, p);
    g.setColor(p.black());
    g.fill(Glyphs.outline(digits, 0, 0.02, 0.78, 1.18));
  }

  private static void endSpeedLimit(Graphics2D g, Palette p) {
    disk(g, 1.0, p.white());
    g.setColor(p.grey());
    g.setStroke(new BasicStroke(0.05f));
    g.draw(circle(0.95));
    g.fill(Glyphs.outline("80", 0, 0.02, 0.72, 1.1));
    // The cancelling band: five thin black lines from top right to bottom left.
    Shape clip = g.getClip();
    g.clip(circle(0.9));
    g.setColor(p.black());
    g.setStroke(new BasicStroke(0.045f));
    for (int i = -2; i <= 2; i++) {
      double o = i * 0.085;
      g.draw(new Line2D.Double(1 + o, -1 + o, -1 + o, 1 + o));
    }
    g.setClip(clip);
  }

  private static void prohibitory(Graphics2D g, Palette p) {
    disk(g, 1.0, p.white());
    disk(g, RING_OUTER, p.red());
    disk(g, RING_INNER, p.white());
  }

  private static void mandatory(Graphics2D g, Palette p) {
    disk(g, 1.0, p.white());
    disk(g, 0.95, p.blue());
  }

  /** Upward triangle, red border, white field; symbols sit around y = 0.17. */
  private static void warningTriangle(Graphics2D g, Palette p) {
    g.setColor(p.white());
    g.fill(roundedTriangle(1.0, false));
    g.setColor(p.red());
    g.fill(roundedTriangle(0.94, false));
    g.setColor(p.white());
    g.fill(roundedTriangle(0.6, false));
  }

  private static void yieldSign(Graphics2D g, Palette p) {
    g.setColor(p.white());
    g.fill(roundedTriangle(1.0, true));
    g.setColor(p.red());
    g.fill(roundedTriangle(0.94, true));
    g.setColor(p.white());
    g.fill(roundedTriangle(0.62, true));
  }

  /**
   * An equilateral triangle with rounded corners, scaled by {@code k} about its centroid.
   * The full-size one spans x in [-0.98, 0.98] and its bounding box is centred on the
   * origin, so the centroid sits at y = h/6 (h/6 below the origin when pointing up).
   */
  private static Shape roundedTriangle(double k, boolean inverted) {
    double halfWidth = 0.98;
    double height = Math.sqrt(3) * halfWidth;
    double cy = height / 6;
    double round = 0.07;
    // Shrink the polygon by the corner radius about the centroid, then stroke it with a
    // round join of that radius: the outline is the full triangle with rounded corners.
    double shrink = (height / 3 - round) / (height / 3);
    Path2D t = new Path2D.Double();
    t.moveTo(0, cy - shrink * height * 2 / 3);
    t.lineTo(shrink * halfWidth, cy + shrink * height / 3);
    t.lineTo(-shrink * halfWidth, cy + shrink * height / 3);
    t.closePath();
    Area a =
        new Area(
            new BasicStroke((float) (2 * round), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
                .createStrokedShape(t));
    a.add(new Area(t));
    AffineTransform at = new AffineTransform();
    if (inverted) {
      at.scale(1, -1); // the box is centred on the origin, so a mirror keeps it in place
    }
    at.translate(0, cy);
    at.scale(k, k);
    at.translate(0, -cy);
    return at.createTransformedShape(a);
  }

  private static void priorityRoad(Graphics2D g, Palette p) {
    g.setColor(p.white());
    g.fill(diamond(1.0));
    g.setColor(p.black());
    g.setStroke(new BasicStroke(0.035f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
    g.draw(diamond(0.95));
    g.setColor(p.yellow());
    g.fill(diamond(0.6));
  }

  private static Shape diamond(double r) {
    Path2D d = new Path2D.Double();
    d.moveTo(0, -r);
    d.lineTo(r, 0);
    d.lineTo(0, r);
    d.lineTo(-r, 0);
    d.closePath();
    return d;
  }

  private static void stop(Graphics2D g, Palette p) {
    g.setColor(p.white());
    g.fill(octagon(1.0));
    g.setColor(p.red());
    g.fill(octagon(0.93));
    g.setColor(p.white());
    g.fill(Glyphs.outline("STOP", 0, 0.0, 0.44, 1.42));
  }

  /** Regular octagon with flat top and bottom, vertices on the circle of radius r. */
  private static Shape octagon(double r) {
    Path2D o = new Path2D.Double();
    for (int i = 0; i < 8; i++) {
      double a = Math.toRadians(22.5 + 45 * i);
      double x = r * StrictMath.cos(a);
      double y = r * StrictMath.sin(a);
      if (i == 0) {
        o.moveTo(x, y);
      } else {
        o.lineTo(x, y);
      }
    }
    o.closePath();
    return o;
  }

  /** A car seen from behind: roof, rear window, body, wheels. */
  private static void carFront(Graphics2D g, double cx, Color color) {
    g.setColor(color);
    Path2D roof = new Path2D.Double();
    roof.moveTo(cx - 0.13, -0.27);
    roof.lineTo(cx + 0.13, -0.27);
    roof.lineTo(cx + 0.19, -0.04);
    roof.lineTo(cx - 0.19, -0.04);
    roof.closePath();
    g.fill(roof);
    g.fill(new RoundRectangle2D.Double(cx - 0.22, -0.06, 0.44, 0.24, 0.07, 0.07));
    g.fill(new Rectangle2D.Double(cx - 0.2, 0.16, 0.09, 0.11));
    g.fill(new Rectangle2D.Double(cx + 0.11, 0.16, 0.09, 0.11));
  }

  /** A lorry seen from behind: a tall box on wheels. */
  private static void truckFront(Graphics2D g, double cx, Color color, Color window) {
    g.setColor(color);
    g.fill(new RoundRectangle2D.Double(cx - 0.2, -0.38, 0.4, 0.56, 0.05, 0.05));
    g.fill(new Rectangle2D.Double(cx - 0.19, 0.16, 0.1, 0.12));
    g.fill(new Rectangle2D.Double(cx + 0.09, 0.16, 0.1, 0.12));
    g.setColor(window);
    g.fill(new Rectangle2D.Double(cx - 0.14, -0.32, 0.28, 0.1));
  }

  /** A lorry seen from the side, cab to the right. */
  private static void truckSide(Graphics2D g, Color color, Color window) {
    g.setColor(color);
    g.fill(new Rectangle2D.Double(-0.55, -0.3, 0.68, 0.4));
    Path2D cab = new Path2D.Double();
    cab.moveTo(0.17, -0.2);
    cab.lineTo(0.4, -0.2);
    cab.lineTo(0.53, -0.02);
    cab.lineTo(0.53, 0.14);
    cab.lineTo(0.17, 0.14);
    cab.closePath();
    g.fill(cab);
    g.fill(new Rectangle2D.Double(-0.55, 0.1, 1.08, 0.06));
    for (double x : new double[] {-0.4, -0.2, 0.38}) {
      g.fill(new Ellipse2D.Double(x - 0.085, 0.12, 0.17, 0.17));
    }
    g.setColor(window);
    Path2D glass = new Path2D.Double();
    glass.moveTo(0.24, -0.14);
    glass.lineTo(0.37, -0.14);
    glass.lineTo(0.45, -0.03);
    glass.lineTo(0.24, -0.03);
    glass.closePath();
    g.fill(glass);
  }

  /** Turn right (direction = 1) or left (-1) ahead: up, then a bend into the turn. */
  private static void turn(Graphics2D g, Palette p, int direction) {
    mandatory(g, p);
    double x0 = -0.22 * direction;
    Path2D shaft = new Path2D.Double();
    shaft.moveTo(x0, 0.66);
    shaft.lineTo(x0, 0.0);
    shaft.quadTo(x0, -0.3, x0 + 0.3 * direction, -0.3);
    shaft.lineTo(0.2 * direction, -0.3);
    arrow(g, p.white(), shaft, 0.66 * direction, -0.3, direction, 0);
  }

  /** Keep right (1) or left (-1): a diagonal arrow pointing down to that side. */
  private static void keep(Graphics2D g, Palette p, int direction) {
    mandatory(g, p);
    double d = Math.sqrt(0.5);
    Path2D shaft = new Path2D.Double();
    shaft.moveTo(-0.42 * direction, -0.42);
    shaft.lineTo(0.16 * direction, 0.16);
    arrow(g, p.white(), shaft, 0.47 * direction, 0.47, d * direction, d);
  }

  /** Three arrows circling anticlockwise (as on StVO sign 215). */
  private static void roundabout(Graphics2D g, Palette p) {
    mandatory(g, p);
    double radius = 0.47;
    for (int k = 0; k < 3; k++) {
      double start = 100 + 120 * k;
      double extent = 62;
      Arc2D arc =
          new Arc2D.Double(-radius, -radius, 2 * radius, 2 * radius, start, extent, Arc2D.OPEN);
      double end = Math.toRadians(start + extent + 34);
      double tipX = radius * StrictMath.cos(end);
      double tipY = -radius * StrictMath.sin(end);
      double mid = Math.toRadians(start + extent + 17);
      // Direction of travel for an anticlockwise turn (y down): (-sin, -cos).
      arrow(g, p.white(), arc, tipX, tipY, -StrictMath.sin(mid), -StrictMath.cos(mid), 0.15, 0.4, 0.3);
    }
  }

  private static void arrow(
      Graphics2D g, Color color, Shape shaft, double tipX, double tipY, double dx, double dy) {
    arrow(g, color, shaft, tipX, tipY, dx, dy, 0.2, 0.52, 0.4);
  }

  /** Strokes the shaft and fills a triangular head whose tip is at (tipX, tipY). */
  private static void arrow(
      Graphics2D g,
      Color color,
      Shape shaft,
      double tipX,
      double tipY,
      double dx,
      double dy,
      double shaftWidth,
      double headWidth,
      double headLength) {
    g.setColor(color);
    g.setStroke(new BasicStroke((float) shaftWidth, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
    g.draw(shaft);
    double bx = tipX - dx * headLength;
    double by = tipY - dy * headLength;
    double nx = -dy * headWidth / 2;
    double ny = dx * headWidth / 2;
    Path2D head = new Path2D.Double();
    head.moveTo(tipX, tipY);
    head.lineTo(bx + nx, by + ny);
    head.lineTo(bx - nx, by - ny);
    head.closePath();
    g.fill(head);
  }

  private static void disk(Graphics2D g, double r, Color color) {
    g.setColor(color);
    g.fill(circle(r));
  }

  private static Shape circle(double r) {
    return new Ellipse2D.Double(-r, -r, 2 * r, 2 * r);
  }
}
