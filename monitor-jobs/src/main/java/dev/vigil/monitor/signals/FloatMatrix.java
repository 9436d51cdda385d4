package dev.vigil.monitor.signals;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * A row-major float32 matrix as JSON: its shape and its values as little-endian float32 in
 * base64 (a 256 x 512 sample of embeddings is 700 KB this way, three times that as decimals).
 *
 * @param rows number of rows
 * @param columns number of columns
 * @param float32Base64 rows * columns little-endian float32 values, base64
 */
public record FloatMatrix(int rows, int columns, String float32Base64) {
  public FloatMatrix {
    if (rows < 0 || columns < 0) {
      throw new IllegalArgumentException("matrix shape must not be negative, was " + rows + " x " + columns);
    }
    int expected = rows * columns * Float.BYTES;
    int actual = float32Base64 == null ? 0 : Base64.getDecoder().decode(float32Base64).length;
    if (actual != expected) {
      throw new IllegalArgumentException("matrix " + rows + " x " + columns + " needs " + expected
          + " bytes of float32 but float32Base64 holds " + actual);
    }
  }

  /** The matrix of {@code values} (rows of equal length). */
  public static FloatMatrix of(float[][] values) {
    int rows = values.length;
    int columns = rows == 0 ? 0 : values[0].length;
    ByteBuffer b = ByteBuffer.allocate(rows * columns * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] row : values) {
      if (row.length != columns) {
        throw new IllegalArgumentException("rows of different lengths: " + columns + " and " + row.length);
      }
      for (float v : row) {
        b.putFloat(v);
      }
    }
    return new FloatMatrix(rows, columns, Base64.getEncoder().encodeToString(b.array()));
  }

  /** The values as rows. */
  @JsonIgnore
  public float[][] values() {
    ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(float32Base64)).order(ByteOrder.LITTLE_ENDIAN);
    float[][] out = new float[rows][columns];
    for (float[] row : out) {
      for (int c = 0; c < columns; c++) {
        row[c] = b.getFloat();
      }
    }
    return out;
  }
}
