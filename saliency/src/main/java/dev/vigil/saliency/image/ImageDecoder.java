package dev.vigil.saliency.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG and JPEG bytes (anything ImageIO reads) into 8-bit sRGB.
 *
 * <p>Conversions, chosen to match what PIL's {@code Image.convert("RGB")} gives a Python training
 * pipeline: grayscale is replicated to three channels (values copied, not gamma-converted as
 * Java2D's linear {@code CS_GRAY} would do); alpha is dropped, not composited; 16-bit samples are
 * rounded to 8 bits; palette images are expanded. CMYK/YCCK JPEGs, which ImageIO cannot decode,
 * are rejected with a message saying so.
 *
 * <p>Truncated JPEGs are a trap: ImageIO only warns ("Premature end of JPEG file") and returns a
 * half-grey image. Warnings are therefore treated as errors, so a damaged capture is reported, not
 * explained.
 */
public final class ImageDecoder {
  private static final String NOT_READABLE = " is not a readable PNG/JPEG image";

  /**
   * Decompression-bomb guard: a few MB of PNG can declare billions of pixels; 40 M pixels (e.g.
   * 8000 x 5000) is far beyond any classifier input and still fits the heap.
   */
  public static final long MAX_PIXELS = 40_000_000L;

  private ImageDecoder() {}

  /**
   * Reads and decodes an image file.
   *
   * @throws ImageDecodeException if the file is missing, empty, not an image or damaged; the
   *     message names the file
   */
  public static DecodedImage read(Path file) {
    return decode(readInput(file), file.toString());
  }

  /** The bytes of an input file; a missing or unreadable file is an {@link ImageDecodeException} naming it. */
  static byte[] readInput(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ImageDecodeException(file + " does not exist");
    } catch (IOException e) {
      throw new ImageDecodeException(file + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Decodes image bytes.
   *
   * @param name the input's name for messages (file name, event id)
   * @throws ImageDecodeException if the bytes are empty, not an image or damaged
   */
  public static DecodedImage decode(byte[] bytes, String name) {
    if (bytes.length == 0) {
      throw new ImageDecodeException(name + NOT_READABLE + " (empty, 0 bytes)");
    }
    BufferedImage raw;
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageDecodeException(
            name + NOT_READABLE + " (unrecognised format, starts with " + head(bytes) + ")");
      }
      ImageReader reader = readers.next();
      List<String> warnings = new ArrayList<>();
      IIOReadWarningListener listener = (source, warning) -> warnings.add(warning);
      reader.addIIOReadWarningListener(listener);
      try {
        reader.setInput(in, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_PIXELS) {
          throw new ImageDecodeException(
              name + " declares " + reader.getWidth(0) + " x " + reader.getHeight(0)
                  + " pixels, more than the " + MAX_PIXELS + " accepted: downscale it first");
        }
        raw = reader.read(0);
      } finally {
        reader.dispose();
      }
      if (!warnings.isEmpty()) {
        throw new ImageDecodeException(
            name + NOT_READABLE + " (truncated?): " + String.join("; ", warnings));
      }
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      String detail = describe(e);
      if (detail.toLowerCase(Locale.ROOT).contains("unsupported image type")) {
        throw new ImageDecodeException(
            name
                + " is a CMYK/YCCK JPEG, which cannot be decoded: convert it to RGB"
                + " (e.g. magick in.jpg -colorspace sRGB out.jpg)",
            e);
      }
      throw new ImageDecodeException(name + NOT_READABLE + " (truncated?): " + detail, e);
    }
    if (raw == null || raw.getWidth() < 1 || raw.getHeight() < 1) {
      throw new ImageDecodeException(name + NOT_READABLE + " (no image in the file)");
    }
    return new DecodedImage(name, toSrgb(raw));
  }

  /** Converts any decoded image to 8-bit sRGB without surprises (see class comment). */
  static BufferedImage toSrgb(BufferedImage src) {
    int w = src.getWidth();
    int h = src.getHeight();
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    ColorModel cm = src.getColorModel();
    int csType = cm.getColorSpace().getType();
    Raster raster = src.getRaster();
    int[] row = new int[w];
    if (cm instanceof IndexColorModel || isPackedSrgb(src.getType())) {
      for (int y = 0; y < h; y++) {
        src.getRGB(0, y, w, 1, row, 0, w);
        for (int x = 0; x < w; x++) {
          row[x] &= 0xFFFFFF; // drop alpha, keep colour (PIL convert("RGB"))
        }
        out.setRGB(0, y, w, 1, row, 0, w);
      }
    } else if (cm instanceof ComponentColorModel && csType == ColorSpace.TYPE_GRAY) {
      int bits = cm.getComponentSize(0);
      int[] g = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, g);
        for (int x = 0; x < w; x++) {
          int v = to8(g[x], bits);
          row[x] = (v << 16) | (v << 8) | v;
        }
        out.setRGB(0, y, w, 1, row, 0, w);
      }
    } else if (cm instanceof ComponentColorModel && csType == ColorSpace.TYPE_RGB) {
      int[][] bands = new int[3][w];
      int[] bits = {cm.getComponentSize(0), cm.getComponentSize(1), cm.getComponentSize(2)};
      for (int y = 0; y < h; y++) {
        for (int b = 0; b < 3; b++) {
          raster.getSamples(0, y, w, 1, b, bands[b]);
        }
        for (int x = 0; x < w; x++) {
          row[x] =
              (to8(bands[0][x], bits[0]) << 16)
                  | (to8(bands[1][x], bits[1]) << 8)
                  | to8(bands[2][x], bits[2]);
        }
        out.setRGB(0, y, w, 1, row, 0, w);
      }
    } else {
      // Other colour spaces (ICC-tagged, YCbCr left as is): let Java2D convert to sRGB.
      new ColorConvertOp(null).filter(src, out);
    }
    return out;
  }

  private static boolean isPackedSrgb(int type) {
    return type == BufferedImage.TYPE_INT_RGB
        || type == BufferedImage.TYPE_INT_ARGB
        || type == BufferedImage.TYPE_INT_ARGB_PRE
        || type == BufferedImage.TYPE_INT_BGR
        || type == BufferedImage.TYPE_3BYTE_BGR
        || type == BufferedImage.TYPE_4BYTE_ABGR
        || type == BufferedImage.TYPE_4BYTE_ABGR_PRE;
  }

  /** A sample of {@code bits} bits to 0..255, rounding (65535 -> 255, 32768 -> 128). */
  static int to8(int sample, int bits) {
    if (bits == 8) {
      return sample;
    }
    long max = (1L << bits) - 1;
    return (int) ((sample * 255L * 2 + max) / (2 * max));
  }

  /** The exception's message plus its root cause's, which is where ImageIO says what broke. */
  private static String describe(Throwable e) {
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != e && root.getMessage() != null && !detail.contains(root.getMessage())) {
      detail += " (" + root.getMessage() + ")";
    }
    return detail;
  }

  private static String head(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(4, bytes.length); i++) {
      sb.append(i == 0 ? "" : " ").append(String.format("0x%02X", bytes[i] & 0xFF));
    }
    return sb + "; expected a PNG or JPEG file";
  }
}
