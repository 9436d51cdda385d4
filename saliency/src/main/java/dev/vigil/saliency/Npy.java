package dev.vigil.saliency;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format versions 1-3, C order): reads float16/32/64, bool and (u)int8-64 arrays as
 * float32, writes float32. Malformed files raise an {@link IOException} saying what is wrong.
 */
public final class Npy {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /**
   * An n-dimensional array read from a file, values converted to float32.
   *
   * @param shape dimensions, C order
   * @param data values
   * @param dtype the file's dtype, e.g. {@code <f4}
   */
  public record Array(int[] shape, float[] data, String dtype) {

    /** Views a rank-4 NCHW array as an image tensor (rank 3 CHW is read as a batch of one). */
    public ImageTensor toImageTensor() {
      if (shape.length == 3) {
        return new ImageTensor(data, 1, shape[0], shape[1], shape[2]);
      }
      if (shape.length != 4) {
        throw new IllegalArgumentException("expected an N x C x H x W array (rank 4) but the file holds shape "
            + Arrays.toString(shape) + "; reshape it in NumPy first");
      }
      return new ImageTensor(data, shape[0], shape[1], shape[2], shape[3]);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Array a && Arrays.equals(a.shape, shape) && Arrays.equals(a.data, data)
          && a.dtype.equals(dtype);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "Npy.Array[" + dtype + " " + Arrays.toString(shape) + "]";
    }
  }

  /**
   * Reads an array.
   *
   * @throws IOException when the file cannot be read, is not a .npy file, is Fortran-ordered, has an unsupported
   *     dtype or is truncated; the message names the file and the problem
   */
  public static Array read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    return parse(bytes, file.toString());
  }

  /** Reads an N x C x H x W (or C x H x W) array as an image tensor. */
  public static ImageTensor readImage(Path file) throws IOException {
    Array a = read(file);
    try {
      return a.toImageTensor();
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads an array from the bytes of a {@code .npy} file (e.g. a request body sent as {@code
   * application/x-npy}).
   *
   * @param name the input's name for messages
   * @throws IOException saying what is wrong, as {@link #read(Path)}
   */
  public static Array parse(byte[] bytes, String name) throws IOException {
    if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
      throw new IOException(name + ": not a .npy file (missing the \\x93NUMPY magic); save it with numpy.save");
    }
    int major = bytes[6] & 0xff;
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength;
    int headerStart;
    if (major == 1) {
      headerLength = in.getShort(8) & 0xffff;
      headerStart = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw new IOException(name + ": truncated .npy header");
      }
      headerLength = in.getInt(8);
      headerStart = 12;
    } else {
      throw new IOException(name + ": unsupported .npy format version " + major + " (1, 2 and 3 are read)");
    }
    if (headerLength < 0 || headerStart + headerLength > bytes.length) {
      throw new IOException(name + ": truncated .npy header (declares " + headerLength + " bytes)");
    }
    String header = new String(bytes, headerStart, headerLength,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Matcher descr = DESCR.matcher(header);
    Matcher fortran = FORTRAN.matcher(header);
    Matcher shapeMatch = SHAPE.matcher(header);
    if (!descr.find() || !fortran.find() || !shapeMatch.find()) {
      throw new IOException(name + ": malformed .npy header '" + header.strip() + "'");
    }
    if (fortran.group(1).equals("True")) {
      throw new IOException(name + ": Fortran-ordered arrays are not supported; save numpy.ascontiguousarray(a)");
    }
    int[] shape = parseShape(shapeMatch.group(1), name);
    long count = 1;
    for (int d : shape) {
      count *= d;
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new IOException(name + ": array of " + count + " elements is too large");
    }
    char kind = descr.group(2).charAt(0);
    int width = Integer.parseInt(descr.group(3));
    ByteOrder order = descr.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    String dtype = descr.group(1) + kind + width;
    int dataStart = headerStart + headerLength;
    long needed = count * width;
    if (bytes.length - dataStart < needed) {
      throw new IOException(String.format("%s: truncated data: shape %s of %s needs %d bytes, file has %d",
          name, Arrays.toString(shape), dtype, needed, bytes.length - dataStart));
    }
    ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) needed).slice().order(order);
    float[] values = new float[(int) count];
    for (int i = 0; i < values.length; i++) {
      values[i] = switch (kind + "" + width) {
        case "f4" -> data.getFloat();
        case "f8" -> (float) data.getDouble();
        case "f2" -> halfToFloat(data.getShort());
        case "i1" -> data.get();
        case "u1", "b1" -> data.get() & 0xff;
        case "i2" -> data.getShort();
        case "u2" -> data.getShort() & 0xffff;
        case "i4" -> data.getInt();
        case "i8" -> data.getLong();
        case "u4" -> data.getInt() & 0xffffffffL;
        case "u8" -> (float) data.getLong(); // beyond 2^63 wraps; no image holds such values
        default -> throw new IOException(name + ": unsupported dtype " + dtype
            + " (float32, float64 and integer arrays are read)");
      };
    }
    return new Array(shape, values, dtype);
  }

  /** Whether an array's dtype is an integer or bool type (pixels) rather than floating point. */
  public static boolean isIntegral(String dtype) {
    char kind = dtype.charAt(dtype.length() - 2);
    return kind == 'i' || kind == 'u' || kind == 'b';
  }

  /** IEEE 754 binary16 to float32 (normal, subnormal, infinity and NaN). */
  public static float halfToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exp == 0) {
      float v = mantissa * 0x1p-24f; // subnormal: m * 2^-24
      return sign == 0 ? v : -v;
    }
    if (exp == 31) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mantissa << 13));
  }

  private static int[] parseShape(String text, String name) throws IOException {
    String[] parts = text.split(",");
    int[] shape = new int[parts.length];
    int rank = 0;
    for (String p : parts) {
      String s = p.strip();
      if (s.isEmpty()) {
        continue;
      }
      try {
        shape[rank] = Integer.parseInt(s.endsWith("L") ? s.substring(0, s.length() - 1) : s);
      } catch (NumberFormatException e) {
        throw new IOException(name + ": malformed shape (" + text + ") in .npy header", e);
      }
      if (shape[rank] < 0) {
        throw new IOException(name + ": negative dimension in shape (" + text + ")");
      }
      rank++;
    }
    return Arrays.copyOf(shape, rank);
  }

  /** Writes an image tensor as float32 N x C x H x W. */
  public static void write(Path file, ImageTensor tensor) throws IOException {
    write(file, tensor.data(), tensor.n(), tensor.c(), tensor.h(), tensor.w());
  }

  /**
   * Writes float32 values with the given shape (format version 1, little-endian, C order).
   *
   * @throws IllegalArgumentException when the shape does not match the number of values
   */
  public static void write(Path file, float[] data, int... shape) throws IOException {
    long count = 1;
    for (int d : shape) {
      count *= d;
    }
    if (count != data.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + count + " values, got "
          + data.length);
    }
    StringBuilder dims = new StringBuilder();
    for (int d : shape) {
      dims.append(d).append(", ");
    }
    if (shape.length > 1) {
      dims.setLength(dims.length() - 2);
    }
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    // Header (magic 6 + version 2 + length 2 + dict + '\n') is padded to a multiple of 64 bytes.
    int unpadded = 10 + dict.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(padding) + "\n";
    ByteBuffer out = ByteBuffer.allocate(10 + header.length() + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    out.put(header.getBytes(StandardCharsets.ISO_8859_1));
    out.asFloatBuffer().put(data);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(file, out.array());
  }
}
