package dev.vigil.saliency.autodiff;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Conversions between ONNX {@code TensorProto}s and Java arrays (float32 and int64 only). */
public final class Tensors {

  private Tensors() {}

  /** A float32 tensor; values little-endian in raw_data. */
  public static TensorProto floats(String name, float[] values, long... dims) {
    ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber())
        .addAllDims(boxed(dims)).setRawData(ByteString.copyFrom(raw.array())).build();
  }

  /** An int64 tensor. */
  public static TensorProto longs(String name, long[] values, long... dims) {
    ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64.getNumber())
        .addAllDims(boxed(dims)).setRawData(ByteString.copyFrom(raw.array())).build();
  }

  /** Dimensions of a tensor. */
  public static long[] dims(TensorProto t) {
    return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
  }

  /** Values of a float32 or float64 tensor as float32. */
  public static float[] toFloats(TensorProto t) {
    int n = (int) numel(dims(t));
    float[] out = new float[n];
    if (t.getDataType() == TensorProto.DataType.FLOAT.getNumber()) {
      if (!t.getRawData().isEmpty()) {
        t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
      } else {
        for (int i = 0; i < n; i++) {
          out[i] = t.getFloatData(i);
        }
      }
      return out;
    }
    if (t.getDataType() == TensorProto.DataType.DOUBLE.getNumber()) {
      if (!t.getRawData().isEmpty()) {
        var d = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = (float) d.get(i);
        }
      } else {
        for (int i = 0; i < n; i++) {
          out[i] = (float) t.getDoubleData(i);
        }
      }
      return out;
    }
    throw new IllegalArgumentException("tensor '" + t.getName() + "' has data type "
        + TensorProto.DataType.forNumber(t.getDataType()) + "; float32 was expected");
  }

  /** Values of an int64 or int32 tensor. */
  public static long[] toLongs(TensorProto t) {
    int n = (int) numel(dims(t));
    long[] out = new long[n];
    if (t.getDataType() == TensorProto.DataType.INT64.getNumber()) {
      if (!t.getRawData().isEmpty()) {
        t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
      } else {
        for (int i = 0; i < n; i++) {
          out[i] = t.getInt64Data(i);
        }
      }
      return out;
    }
    if (t.getDataType() == TensorProto.DataType.INT32.getNumber()) {
      if (!t.getRawData().isEmpty()) {
        var d = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = d.get(i);
        }
      } else {
        for (int i = 0; i < n; i++) {
          out[i] = t.getInt32Data(i);
        }
      }
      return out;
    }
    throw new IllegalArgumentException("tensor '" + t.getName() + "' has data type "
        + TensorProto.DataType.forNumber(t.getDataType()) + "; int64 was expected");
  }

  /** Product of dimensions. */
  public static long numel(long[] dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }

  private static java.util.List<Long> boxed(long[] dims) {
    return java.util.Arrays.stream(dims).boxed().toList();
  }
}
