package dev.vigil.cli.support;

import java.io.PrintWriter;

/**
 * One progress line on stderr, {@code label [#####.....] done/total suffix}, redrawn in place.
 * Several threads may report units: the line is redrawn only when the bar grows, the label or the
 * suffix changes, or the work is done, so a fast loop does not flood the terminal.
 */
public final class ProgressBar {
  private final PrintWriter err;
  private final int width;
  private String label;
  private String suffix = "";
  private int shown = -1;
  private int drawnLength;

  public ProgressBar(PrintWriter err, int width) {
    if (width < 1) {
      throw new IllegalArgumentException("a progress bar is at least 1 character wide, got " + width);
    }
    this.err = err;
    this.width = width;
  }

  /** {@code [#######.......] 3/7}: {@code done * width / total} characters filled. */
  public static String render(int done, int total, int width) {
    int filled = total == 0 ? width : (int) ((long) done * width / total);
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + total;
  }

  public void update(String label, int done, int total) {
    update(label, done, total, "");
  }

  /** Draws the bar; a new label finishes the previous bar's line first. */
  public synchronized void update(String label, int done, int total, String suffix) {
    if (!label.equals(this.label)) {
      end();
      this.label = label;
    }
    int step = total == 0 ? width : (int) ((long) done * width / total);
    if (step > shown || done == total || !suffix.equals(this.suffix)) {
      shown = step;
      this.suffix = suffix;
      String line = (label.isEmpty() ? "" : label + " ") + render(done, total, width)
          + (suffix.isEmpty() ? "" : " " + suffix);
      // pad so that a shorter line fully overwrites the previous one after '\r'
      err.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
      err.flush();
      drawnLength = line.length();
    }
  }

  /** Finishes the line of a bar that was drawn; the next update starts a new line. */
  public synchronized void end() {
    if (label != null) {
      err.println();
      err.flush();
    }
    label = null;
    suffix = "";
    shown = -1;
    drawnLength = 0;
  }
}
