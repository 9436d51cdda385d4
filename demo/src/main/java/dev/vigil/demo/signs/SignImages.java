package dev.vigil.demo.signs;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** PNG export of generated signs: single images, labelled data-set folders, contact sheets. */
public final class SignImages {
  private SignImages() {}

  /** PNG bytes of an image (ImageIO's encoder writes no timestamps: same pixels, same bytes). */
  public static byte[] png(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("no PNG writer in this JVM (javax.imageio)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("encoding PNG in memory failed", e);
    }
    return out.toByteArray();
  }

  /** Writes one PNG file, creating parent folders. */
  public static void writePng(BufferedImage image, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(file, png(image));
  }

  /**
   * Writes a data set to a folder: {@code NNNNNN-CC.png} per sample (position, class
   * index), {@code labels.txt} (one class name per line, line number = index, the format of
   * the endpoint config's {@code labels} file) and {@code index.csv}
   * ({@code file,label,labelName,imageSeed}).
   *
   * @return the folder
   */
  public static Path exportDataset(List<SignSample> samples, Path dir) throws IOException {
    Files.createDirectories(dir);
    writeLabels(dir.resolve("labels.txt"));
    StringBuilder csv = new StringBuilder("file,label,labelName,imageSeed\n");
    for (int i = 0; i < samples.size(); i++) {
      SignSample s = samples.get(i);
      String name = String.format(Locale.ROOT, "%06d-%02d.png", i, s.label());
      writePng(s.image(), dir.resolve(name));
      csv.append(name).append(',').append(s.label()).append(",\"")
          .append(s.labelName().replace("\"", "\"\"")).append("\",")
          .append(s.imageSeed()).append('\n');
    }
    Files.writeString(dir.resolve("index.csv"), csv, StandardCharsets.UTF_8);
    return dir;
  }

  /** Writes the class names, one per line, index = line number (0-based). */
  public static void writeLabels(Path file) throws IOException {
    Files.write(file, SignClass.labels(), StandardCharsets.UTF_8);
  }

  /**
   * A grid of images, each scaled up by {@code zoom} (nearest neighbour, so pixels stay
   * visible), with a 2-pixel dark gap between cells.
   */
  public static BufferedImage contactSheet(List<BufferedImage> images, int columns, int zoom) {
    if (columns <= 0 || zoom <= 0) {
      throw new IllegalArgumentException("columns and zoom must be positive");
    }
    int gap = 2;
    int cell = SignGenerator.SIZE * zoom;
    int rows = Math.max(1, (images.size() + columns - 1) / columns);
    BufferedImage sheet =
        new BufferedImage(
            columns * (cell + gap) + gap, rows * (cell + gap) + gap, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    try {
      g.setColor(new Color(30, 30, 30));
      g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
      for (int i = 0; i < images.size(); i++) {
        int x = gap + (i % columns) * (cell + gap);
        int y = gap + (i / columns) * (cell + gap);
        g.drawImage(images.get(i), x, y, cell, cell, null);
      }
    } finally {
      g.dispose();
    }
    return sheet;
  }
}
