package dev.vigil.saliency.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A float64 reference implementation of the supported ONNX ops (inference semantics, 2-D spatial ops), written
 * independently of the autodiff so that central differences on it give trustworthy gradients.
 */
final class Float64Interpreter {

  /** A dense tensor in C order. */
  record T(int[] shape, double[] v) {
    int size() {
      return v.length;
    }
  }

  private final GraphProto graph;
  private final boolean batchStatistics;

  Float64Interpreter(GraphProto graph) {
    this(graph, false);
  }

  /** @param batchStatistics BatchNormalization normalises with the batch's mean and variance (training) */
  Float64Interpreter(GraphProto graph, boolean batchStatistics) {
    this.graph = graph;
    this.batchStatistics = batchStatistics;
  }

  /** Evaluates every node on input x and returns all tensors by name. */
  Map<String, T> run(String inputName, T x) {
    return run(inputName, x, Map.of());
  }

  /** Evaluates every node on input x with some initializers replaced, and returns all tensors by name. */
  Map<String, T> run(String inputName, T x, Map<String, T> overrides) {
    Map<String, T> env = new HashMap<>();
    for (TensorProto t : graph.getInitializerList()) {
      int[] shape = Arrays.stream(Tensors.dims(t)).mapToInt(d -> (int) d).toArray();
      double[] v = t.getDataType() == TensorProto.DataType.FLOAT.getNumber()
          ? toDouble(Tensors.toFloats(t)) : Arrays.stream(Tensors.toLongs(t)).asDoubleStream().toArray();
      env.put(t.getName(), new T(shape, v));
    }
    env.putAll(overrides);
    env.put(inputName, x);
    for (NodeProto n : graph.getNodeList()) {
      List<T> in = new ArrayList<>();
      for (String s : n.getInputList()) {
        in.add(s.isEmpty() ? null : env.get(s));
      }
      List<T> out = eval(n, in);
      for (int i = 0; i < out.size(); i++) {
        env.put(n.getOutput(i), out.get(i));
      }
    }
    return env;
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private List<T> eval(NodeProto n, List<T> in) {
    T x = in.get(0);
    return switch (n.getOpType()) {
      case "Relu" -> List.of(map(x, v -> Math.max(v, 0)));
      case "LeakyRelu" -> {
        double a = f(n, "alpha", 0.01);
        yield List.of(map(x, v -> v > 0 ? v : a * v));
      }
      case "Clip" -> {
        double lo = in.size() > 1 && in.get(1) != null ? in.get(1).v()[0] : Double.NEGATIVE_INFINITY;
        double hi = in.size() > 2 && in.get(2) != null ? in.get(2).v()[0] : Double.POSITIVE_INFINITY;
        yield List.of(map(x, v -> Math.min(Math.max(v, lo), hi)));
      }
      case "Sigmoid" -> List.of(map(x, v -> 1 / (1 + Math.exp(-v))));
      case "HardSigmoid" -> {
        double a = f(n, "alpha", 0.2);
        double b = f(n, "beta", 0.5);
        yield List.of(map(x, v -> Math.max(0, Math.min(1, a * v + b))));
      }
      case "HardSwish" -> List.of(map(x, v -> v * Math.max(0, Math.min(1, v / 6 + 0.5))));
      case "Identity", "Dropout" -> List.of(x);
      case "Add" -> List.of(broadcast(x, in.get(1), Double::sum));
      case "Sub" -> List.of(broadcast(x, in.get(1), (a, b) -> a - b));
      case "Mul" -> List.of(broadcast(x, in.get(1), (a, b) -> a * b));
      case "Div" -> List.of(broadcast(x, in.get(1), (a, b) -> a / b));
      case "Conv" -> List.of(conv(n, x, in.get(1), in.size() > 2 ? in.get(2) : null));
      case "BatchNormalization" -> List.of(batchStatistics ? batchNormTraining(n, x, in) : batchNorm(n, x, in));
      case "MaxPool" -> List.of(pool(n, x, true));
      case "AveragePool" -> List.of(pool(n, x, false));
      case "GlobalAveragePool" -> List.of(globalAverage(x));
      case "Flatten" -> {
        int axis = (int) i(n, "axis", 1);
        int outer = 1;
        for (int a = 0; a < axis; a++) {
          outer *= x.shape()[a];
        }
        yield List.of(new T(new int[] {outer, x.size() / outer}, x.v()));
      }
      case "Reshape" -> List.of(reshape(x, in.get(1)));
      case "Squeeze", "Unsqueeze" -> List.of(squeeze(n.getOpType().equals("Unsqueeze"), x,
          in.size() > 1 ? in.get(1) : longsAsTensor(ints(n, "axes"))));
      case "Transpose" -> List.of(transpose(x, ints(n, "perm")));
      case "Concat" -> List.of(concat(in, (int) i(n, "axis", 0)));
      case "Split" -> split(x, in.size() > 1 ? in.get(1) : longsAsTensor(ints(n, "split")), (int) i(n, "axis", 0));
      case "Gemm" -> List.of(gemm(n, x, in.get(1), in.size() > 2 ? in.get(2) : null));
      case "MatMul" -> List.of(matmul(x, in.get(1)));
      case "Pad" -> List.of(pad(x, in.get(1), in.size() > 2 && in.get(2) != null ? in.get(2).v()[0] : 0));
      case "Softmax", "LogSoftmax" -> List.of(softmax(x, (int) i(n, "axis", -1), n.getOpType().equals("LogSoftmax")));
      case "Sqrt" -> List.of(map(x, Math::sqrt));
      case "Greater" -> List.of(broadcast(x, in.get(1), (a, b) -> a > b ? 1 : 0));
      case "Erf" -> List.of(map(x, Float64Interpreter::erf));
      case "Tanh" -> List.of(map(x, Math::tanh));
      case "Gelu" -> List.of(map(x, str(n, "approximate", "none").equals("tanh")
          ? v -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)))
          : v -> 0.5 * v * (1 + erf(v / Math.sqrt(2)))));
      case "Pow" -> List.of(broadcast(x, in.get(1), Math::pow));
      case "Expand" -> List.of(broadcast(x, new T(Arrays.stream(in.get(1).v()).mapToInt(d -> (int) d).toArray(),
          filled((int) Arrays.stream(in.get(1).v()).reduce(1, (p, q) -> p * q), 0)), Double::sum));
      case "Where" -> List.of(where(x, in.get(1), in.get(2)));
      case "ReduceMean" -> List.of(reduceMean(x, in.size() > 1 ? longs(in.get(1)) : ints(n, "axes"),
          i(n, "keepdims", 1) == 1));
      case "ReduceL2" -> {
        T meanSquare = reduceMean(map(x, v -> v * v), in.size() > 1 ? longs(in.get(1)) : ints(n, "axes"),
            i(n, "keepdims", 1) == 1);
        double count = (double) x.size() / meanSquare.size();
        yield List.of(map(meanSquare, v -> Math.sqrt(v * count)));
      }
      case "Resize" -> List.of(resize(n, x, in.size() > 2 ? in.get(2) : null, in.size() > 3 ? in.get(3) : null));
      case "LayerNormalization" -> List.of(layerNorm(x, in.get(1), in.size() > 2 ? in.get(2) : null,
          (int) i(n, "axis", -1), f(n, "epsilon", 1e-5)));
      case "Gather" -> List.of(gather(x, in.get(1), (int) i(n, "axis", 0)));
      case "Slice" -> List.of(slice(x, longs(in.get(1)), longs(in.get(2)),
          in.size() > 3 && in.get(3) != null ? longs(in.get(3)) : null,
          in.size() > 4 && in.get(4) != null ? longs(in.get(4)) : null));
      case "Einsum" -> List.of(einsum(str(n, "equation", ""), in.get(0), in.get(1)));
      default -> throw new IllegalArgumentException("interpreter lacks " + n.getOpType());
    };
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  private static T map(T x, java.util.function.DoubleUnaryOperator f) {
    double[] v = new double[x.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = f.applyAsDouble(x.v()[i]);
    }
    return new T(x.shape(), v);
  }

  private static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int a = shape.length - 1; a >= 0; a--) {
      s[a] = acc;
      acc *= shape[a];
    }
    return s;
  }

  private static T broadcast(T a, T b, java.util.function.DoubleBinaryOperator f) {
    int r = Math.max(a.shape().length, b.shape().length);
    int[] sa = pad(a.shape(), r);
    int[] sb = pad(b.shape(), r);
    int[] out = new int[r];
    for (int k = 0; k < r; k++) {
      out[k] = Math.max(sa[k], sb[k]);
    }
    int[] ta = strides(sa);
    int[] tb = strides(sb);
    int total = Arrays.stream(out).reduce(1, (p, q) -> p * q);
    double[] v = new double[total];
    int[] idx = new int[r];
    for (int flat = 0; flat < total; flat++) {
      int rest = flat;
      for (int k = r - 1; k >= 0; k--) {
        idx[k] = rest % out[k];
        rest /= out[k];
      }
      int ia = 0;
      int ib = 0;
      for (int k = 0; k < r; k++) {
        ia += (sa[k] == 1 ? 0 : idx[k]) * ta[k];
        ib += (sb[k] == 1 ? 0 : idx[k]) * tb[k];
      }
      v[flat] = f.applyAsDouble(a.v()[ia], b.v()[ib]);
    }
    return new T(out, v);
  }

  private static int[] pad(int[] shape, int rank) {
    int[] p = new int[rank];
    Arrays.fill(p, 1);
    System.arraycopy(shape, 0, p, rank - shape.length, shape.length);
    return p;
  }

  /** Geometry of one spatial axis: output size and begin pad. */
  private record Axis(int out, int padBegin, int padEnd) {}

  private static Axis axis(NodeProto n, int a, int in, int k, int s, int d) {
    String autoPad = str(n, "auto_pad", "NOTSET");
    long[] pads = ints(n, "pads");
    int span = (k - 1) * d + 1;
    if (autoPad.startsWith("SAME")) {
      int out = (in + s - 1) / s;
      int total = Math.max(0, (out - 1) * s + span - in);
      int begin = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
      return new Axis(out, begin, total - begin);
    }
    int pb = pads == null || autoPad.equals("VALID") ? 0 : (int) pads[a];
    int pe = pads == null || autoPad.equals("VALID") ? 0 : (int) pads[a + 2];
    double q = (double) (in + pb + pe - span) / s;
    int out = (int) (i(n, "ceil_mode", 0) == 1 ? Math.ceil(q) : Math.floor(q)) + 1;
    if (i(n, "ceil_mode", 0) == 1 && (out - 1) * s >= in + pb) {
      out--; // the last window must start inside the input or its begin padding
    }
    return new Axis(out, pb, pe);
  }

  private static T conv(NodeProto n, T x, T w, T bias) {
    int[] xs = x.shape();
    int[] ws = w.shape();
    int batch = xs[0];
    int c = xs[1];
    int m = ws[0];
    int group = (int) i(n, "group", 1);
    int cg = c / group;
    int mg = m / group;
    long[] st = or(ints(n, "strides"), 1);
    long[] di = or(ints(n, "dilations"), 1);
    Axis ay = axis(n, 0, xs[2], ws[2], (int) st[0], (int) di[0]);
    Axis ax = axis(n, 1, xs[3], ws[3], (int) st[1], (int) di[1]);
    double[] out = new double[batch * m * ay.out() * ax.out()];
    for (int b = 0; b < batch; b++) {
      for (int o = 0; o < m; o++) {
        int g = o / mg;
        for (int oy = 0; oy < ay.out(); oy++) {
          for (int ox = 0; ox < ax.out(); ox++) {
            double acc = bias == null ? 0 : bias.v()[o];
            for (int ci = 0; ci < cg; ci++) {
              int ch = g * cg + ci;
              for (int ky = 0; ky < ws[2]; ky++) {
                int iy = oy * (int) st[0] - ay.padBegin() + ky * (int) di[0];
                if (iy < 0 || iy >= xs[2]) {
                  continue;
                }
                for (int kx = 0; kx < ws[3]; kx++) {
                  int ix = ox * (int) st[1] - ax.padBegin() + kx * (int) di[1];
                  if (ix < 0 || ix >= xs[3]) {
                    continue;
                  }
                  acc += x.v()[((b * c + ch) * xs[2] + iy) * xs[3] + ix]
                      * w.v()[((o * cg + ci) * ws[2] + ky) * ws[3] + kx];
                }
              }
            }
            out[((b * m + o) * ay.out() + oy) * ax.out() + ox] = acc;
          }
        }
      }
    }
    return new T(new int[] {batch, m, ay.out(), ax.out()}, out);
  }

  private static T pool(NodeProto n, T x, boolean max) {
    int[] xs = x.shape();
    long[] k = ints(n, "kernel_shape");
    long[] st = or(ints(n, "strides"), 1);
    long[] di = or(ints(n, "dilations"), 1);
    Axis ay = axis(n, 0, xs[2], (int) k[0], (int) st[0], (int) di[0]);
    Axis ax = axis(n, 1, xs[3], (int) k[1], (int) st[1], (int) di[1]);
    boolean countPad = i(n, "count_include_pad", 0) == 1;
    double[] out = new double[xs[0] * xs[1] * ay.out() * ax.out()];
    int o = 0;
    for (int bc = 0; bc < xs[0] * xs[1]; bc++) {
      for (int oy = 0; oy < ay.out(); oy++) {
        for (int ox = 0; ox < ax.out(); ox++) {
          double acc = max ? Double.NEGATIVE_INFINITY : 0;
          int y0 = oy * (int) st[0] - ay.padBegin();
          int x0 = ox * (int) st[1] - ax.padBegin();
          for (int ky = 0; ky < k[0]; ky++) {
            for (int kx = 0; kx < k[1]; kx++) {
              int iy = y0 + ky * (int) di[0];
              int ix = x0 + kx * (int) di[1];
              if (iy < 0 || iy >= xs[2] || ix < 0 || ix >= xs[3]) {
                continue;
              }
              double v = x.v()[(bc * xs[2] + iy) * xs[3] + ix];
              acc = max ? Math.max(acc, v) : acc + v;
            }
          }
          if (!max) {
            int yEnd = (int) Math.min(y0 + k[0], xs[2] + ay.padEnd());
            int xEnd = (int) Math.min(x0 + k[1], xs[3] + ax.padEnd());
            int count = countPad ? (yEnd - y0) * (xEnd - x0)
                : (Math.min(yEnd, xs[2]) - Math.max(y0, 0)) * (Math.min(xEnd, xs[3]) - Math.max(x0, 0));
            acc /= count;
          }
          out[o++] = acc;
        }
      }
    }
    return new T(new int[] {xs[0], xs[1], ay.out(), ax.out()}, out);
  }

  private static T globalAverage(T x) {
    int[] s = x.shape();
    int area = s[2] * s[3];
    double[] out = new double[s[0] * s[1]];
    for (int i = 0; i < out.length; i++) {
      for (int j = 0; j < area; j++) {
        out[i] += x.v()[i * area + j] / area;
      }
    }
    return new T(new int[] {s[0], s[1], 1, 1}, out);
  }

  private static T batchNorm(NodeProto n, T x, List<T> in) {
    double eps = f(n, "epsilon", 1e-5);
    int c = x.shape()[1];
    int area = x.size() / (x.shape()[0] * c);
    double[] out = new double[x.size()];
    for (int i = 0; i < out.length; i++) {
      int ch = (i / area) % c;
      double s = in.get(1).v()[ch] / Math.sqrt(in.get(4).v()[ch] + eps);
      out[i] = s * (x.v()[i] - in.get(3).v()[ch]) + in.get(2).v()[ch];
    }
    return new T(x.shape(), out);
  }

  private static T batchNormTraining(NodeProto n, T x, List<T> in) {
    double eps = f(n, "epsilon", 1e-5);
    int c = x.shape()[1];
    int area = x.size() / (x.shape()[0] * c);
    double[] mean = new double[c];
    double[] square = new double[c];
    for (int i = 0; i < x.size(); i++) {
      mean[(i / area) % c] += x.v()[i];
    }
    int m = x.size() / c;
    for (int ch = 0; ch < c; ch++) {
      mean[ch] /= m;
    }
    for (int i = 0; i < x.size(); i++) {
      double d = x.v()[i] - mean[(i / area) % c];
      square[(i / area) % c] += d * d;
    }
    double[] out = new double[x.size()];
    for (int i = 0; i < out.length; i++) {
      int ch = (i / area) % c;
      double s = in.get(1).v()[ch] / Math.sqrt(square[ch] / m + eps);
      out[i] = s * (x.v()[i] - mean[ch]) + in.get(2).v()[ch];
    }
    return new T(x.shape(), out);
  }

  private static T reshape(T x, T shape) {
    int[] s = new int[shape.size()];
    int known = 1;
    int free = -1;
    for (int a = 0; a < s.length; a++) {
      s[a] = (int) shape.v()[a];
      if (s[a] == 0) {
        s[a] = x.shape()[a];
      }
      if (s[a] == -1) {
        free = a;
      } else {
        known *= s[a];
      }
    }
    if (free >= 0) {
      s[free] = x.size() / known;
    }
    return new T(s, x.v());
  }

  private static T squeeze(boolean unsqueeze, T x, T axesTensor) {
    List<Integer> shape = new ArrayList<>(Arrays.stream(x.shape()).boxed().toList());
    int[] axes = Arrays.stream(axesTensor.v()).mapToInt(d -> (int) d).sorted().toArray();
    if (unsqueeze) {
      for (int a : axes) {
        shape.add(a < 0 ? a + shape.size() + 1 : a, 1);
      }
    } else {
      for (int k = axes.length - 1; k >= 0; k--) {
        int a = axes[k] < 0 ? axes[k] + shape.size() : axes[k];
        shape.remove(a);
      }
    }
    return new T(shape.stream().mapToInt(Integer::intValue).toArray(), x.v());
  }

  private static T transpose(T x, long[] perm) {
    int r = x.shape().length;
    int[] out = new int[r];
    for (int a = 0; a < r; a++) {
      out[a] = x.shape()[(int) perm[a]];
    }
    int[] inStrides = strides(x.shape());
    double[] v = new double[x.size()];
    int[] idx = new int[r];
    for (int flat = 0; flat < v.length; flat++) {
      int rest = flat;
      for (int a = r - 1; a >= 0; a--) {
        idx[a] = rest % out[a];
        rest /= out[a];
      }
      int src = 0;
      for (int a = 0; a < r; a++) {
        src += idx[a] * inStrides[(int) perm[a]];
      }
      v[flat] = x.v()[src];
    }
    return new T(out, v);
  }

  private static T concat(List<T> in, int axis) {
    int r = in.get(0).shape().length;
    int a = axis < 0 ? axis + r : axis;
    int[] out = in.get(0).shape().clone();
    out[a] = in.stream().mapToInt(t -> t.shape()[a]).sum();
    int outer = 1;
    for (int k = 0; k < a; k++) {
      outer *= out[k];
    }
    double[] v = new double[Arrays.stream(out).reduce(1, (p, q) -> p * q)];
    int pos = 0;
    for (int o = 0; o < outer; o++) {
      for (T t : in) {
        int chunk = t.size() / outer;
        System.arraycopy(t.v(), o * chunk, v, pos, chunk);
        pos += chunk;
      }
    }
    return new T(out, v);
  }

  private static List<T> split(T x, T sizes, int axis) {
    int r = x.shape().length;
    int a = axis < 0 ? axis + r : axis;
    int outer = 1;
    for (int k = 0; k < a; k++) {
      outer *= x.shape()[k];
    }
    int inner = x.size() / outer / x.shape()[a];
    List<T> out = new ArrayList<>();
    int offset = 0;
    for (double sd : sizes.v()) {
      int s = (int) sd;
      int[] shape = x.shape().clone();
      shape[a] = s;
      double[] v = new double[outer * s * inner];
      for (int o = 0; o < outer; o++) {
        System.arraycopy(x.v(), (o * x.shape()[a] + offset) * inner, v, o * s * inner, s * inner);
      }
      out.add(new T(shape, v));
      offset += s;
    }
    return out;
  }

  private static T gemm(NodeProto n, T a, T b, T c) {
    boolean ta = i(n, "transA", 0) == 1;
    boolean tb = i(n, "transB", 0) == 1;
    double alpha = f(n, "alpha", 1);
    double beta = f(n, "beta", 1);
    int m = ta ? a.shape()[1] : a.shape()[0];
    int k = ta ? a.shape()[0] : a.shape()[1];
    int p = tb ? b.shape()[0] : b.shape()[1];
    double[] v = new double[m * p];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < p; j++) {
        double acc = 0;
        for (int q = 0; q < k; q++) {
          acc += (ta ? a.v()[q * m + i] : a.v()[i * k + q]) * (tb ? b.v()[j * k + q] : b.v()[q * p + j]);
        }
        v[i * p + j] = alpha * acc;
      }
    }
    T y = new T(new int[] {m, p}, v);
    return c == null ? y : broadcast(y, map(c, z -> beta * z), Double::sum);
  }

  /** MatMul of rank 2 and up; batch axes broadcast. */
  private static T matmul(T a, T b) {
    int ra = a.shape().length;
    int rb = b.shape().length;
    int m = a.shape()[ra - 2];
    int k = a.shape()[ra - 1];
    int p = b.shape()[rb - 1];
    int r = Math.max(ra, rb);
    int[] batchA = pad(Arrays.copyOf(a.shape(), ra - 2), r - 2);
    int[] batchB = pad(Arrays.copyOf(b.shape(), rb - 2), r - 2);
    int[] batch = new int[r - 2];
    for (int d = 0; d < batch.length; d++) {
      batch[d] = Math.max(batchA[d], batchB[d]);
    }
    int count = Arrays.stream(batch).reduce(1, (x, y) -> x * y);
    double[] v = new double[count * m * p];
    int[] idx = new int[batch.length];
    for (int n = 0; n < count; n++) {
      unravel(n, batch, idx);
      int offA = 0;
      int offB = 0;
      for (int d = 0; d < batch.length; d++) {
        offA = offA * batchA[d] + (batchA[d] == 1 ? 0 : idx[d]);
        offB = offB * batchB[d] + (batchB[d] == 1 ? 0 : idx[d]);
      }
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < p; j++) {
          double acc = 0;
          for (int q = 0; q < k; q++) {
            acc += a.v()[offA * m * k + i * k + q] * b.v()[offB * k * p + q * p + j];
          }
          v[(n * m + i) * p + j] = acc;
        }
      }
    }
    int[] shape = Arrays.copyOf(batch, r);
    shape[r - 2] = m;
    shape[r - 1] = p;
    return new T(shape, v);
  }

  private static void unravel(int flat, int[] shape, int[] idx) {
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = flat % shape[d];
      flat /= shape[d];
    }
  }

  private static int flatIndex(int[] idx, int[] shape) {
    int f = 0;
    for (int d = 0; d < shape.length; d++) {
      f = f * shape[d] + idx[d];
    }
    return f;
  }

  private static double[] filled(int n, double value) {
    double[] v = new double[n];
    Arrays.fill(v, value);
    return v;
  }

  private static long[] longs(T t) {
    return Arrays.stream(t.v()).mapToLong(d -> (long) d).toArray();
  }

  private static T where(T c, T a, T b) {
    T full = broadcast(broadcast(a, b, (p, q) -> 0), c, (p, q) -> q); // condition at the output shape
    T av = broadcast(a, full, (p, q) -> p);
    T bv = broadcast(b, full, (p, q) -> p);
    double[] v = new double[full.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = full.v()[i] != 0 ? av.v()[i] : bv.v()[i];
    }
    return new T(full.shape(), v);
  }

  private static T reduceMean(T x, long[] axes, boolean keep) {
    int r = x.shape().length;
    boolean[] reduced = new boolean[r];
    if (axes == null || axes.length == 0) {
      Arrays.fill(reduced, true);
    } else {
      for (long a : axes) {
        reduced[(int) (a < 0 ? a + r : a)] = true;
      }
    }
    int[] kept = x.shape().clone();
    for (int d = 0; d < r; d++) {
      kept[d] = reduced[d] ? 1 : kept[d];
    }
    double[] v = new double[Arrays.stream(kept).reduce(1, (p, q) -> p * q)];
    int[] idx = new int[r];
    int[] to = new int[r];
    for (int flat = 0; flat < x.size(); flat++) {
      unravel(flat, x.shape(), idx);
      for (int d = 0; d < r; d++) {
        to[d] = reduced[d] ? 0 : idx[d];
      }
      v[flatIndex(to, kept)] += x.v()[flat] * v.length / x.size();
    }
    int[] dropped = java.util.stream.IntStream.range(0, r).filter(d -> !reduced[d]).map(d -> kept[d]).toArray();
    return new T(keep ? kept : dropped, v);
  }

  private static T layerNorm(T x, T scale, T bias, int axis, double eps) {
    int r = x.shape().length;
    int a = axis < 0 ? axis + r : axis;
    int inner = 1;
    for (int d = a; d < r; d++) {
      inner *= x.shape()[d];
    }
    double[] v = new double[x.size()];
    for (int row = 0; row < x.size() / inner; row++) {
      double mu = 0;
      for (int j = 0; j < inner; j++) {
        mu += x.v()[row * inner + j] / inner;
      }
      double var = 0;
      for (int j = 0; j < inner; j++) {
        double dev = x.v()[row * inner + j] - mu;
        var += dev * dev / inner;
      }
      for (int j = 0; j < inner; j++) {
        double xHat = (x.v()[row * inner + j] - mu) / Math.sqrt(var + eps);
        v[row * inner + j] = xHat * scale.v()[j % scale.size()] + (bias == null ? 0 : bias.v()[j % bias.size()]);
      }
    }
    return new T(x.shape(), v);
  }

  private static T gather(T x, T indices, int axis) {
    int r = x.shape().length;
    int a = axis < 0 ? axis + r : axis;
    int outer = 1;
    for (int d = 0; d < a; d++) {
      outer *= x.shape()[d];
    }
    int len = x.shape()[a];
    int inner = x.size() / outer / len;
    int q = indices.size();
    double[] v = new double[outer * q * inner];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < q; j++) {
        int k = (int) indices.v()[j];
        k = k < 0 ? k + len : k;
        System.arraycopy(x.v(), (o * len + k) * inner, v, (o * q + j) * inner, inner);
      }
    }
    int[] shape = new int[r - 1 + indices.shape().length];
    System.arraycopy(x.shape(), 0, shape, 0, a);
    System.arraycopy(indices.shape(), 0, shape, a, indices.shape().length);
    System.arraycopy(x.shape(), a + 1, shape, a + indices.shape().length, r - a - 1);
    return new T(shape, v);
  }

  /** Slice with positive steps. */
  private static T slice(T x, long[] starts, long[] ends, long[] axes, long[] steps) {
    int r = x.shape().length;
    int[] start = new int[r];
    int[] step = new int[r];
    int[] out = x.shape().clone();
    Arrays.fill(step, 1);
    for (int i = 0; i < starts.length; i++) {
      int a = (int) (axes == null ? i : axes[i] < 0 ? axes[i] + r : axes[i]);
      int len = x.shape()[a];
      long s = starts[i] < 0 ? starts[i] + len : starts[i];
      long e = ends[i] < 0 ? ends[i] + len : ends[i];
      s = Math.max(0, Math.min(len, s));
      e = Math.max(0, Math.min(len, e));
      int k = steps == null ? 1 : (int) steps[i];
      start[a] = (int) s;
      step[a] = k;
      out[a] = (int) Math.max(0, (e - s + k - 1) / k);
    }
    double[] v = new double[Arrays.stream(out).reduce(1, (p, q) -> p * q)];
    int[] idx = new int[r];
    int[] src = new int[r];
    for (int flat = 0; flat < v.length; flat++) {
      unravel(flat, out, idx);
      for (int d = 0; d < r; d++) {
        src[d] = start[d] + idx[d] * step[d];
      }
      v[flat] = x.v()[flatIndex(src, x.shape())];
    }
    return new T(out, v);
  }

  /** Einsum of two operands with an explicit output, by brute force over every letter. */
  private static T einsum(String equation, T a, T b) {
    String[] sides = equation.replace(" ", "").split("->");
    String[] ops = sides[0].split(",");
    String letters = (ops[0] + ops[1]).chars().distinct()
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    int[] size = new int[letters.length()];
    for (int i = 0; i < ops[0].length(); i++) {
      size[letters.indexOf(ops[0].charAt(i))] = a.shape()[i];
    }
    for (int i = 0; i < ops[1].length(); i++) {
      size[letters.indexOf(ops[1].charAt(i))] = b.shape()[i];
    }
    int[] outShape = sides[1].chars().map(c -> size[letters.indexOf(c)]).toArray();
    double[] v = new double[Arrays.stream(outShape).reduce(1, (p, q) -> p * q)];
    int total = Arrays.stream(size).reduce(1, (p, q) -> p * q);
    int[] idx = new int[size.length];
    for (int flat = 0; flat < total; flat++) {
      unravel(flat, size, idx);
      v[flatIndex(pick(idx, letters, sides[1]), outShape)] += a.v()[flatIndex(pick(idx, letters, ops[0]), a.shape())]
          * b.v()[flatIndex(pick(idx, letters, ops[1]), b.shape())];
    }
    return new T(outShape, v);
  }

  private static int[] pick(int[] idx, String letters, String subscripts) {
    return subscripts.chars().map(c -> idx[letters.indexOf(c)]).toArray();
  }

  /** Resize of the spatial axes of N x C x H x W, "nearest" or "linear", per the ONNX operator's formulas. */
  private static T resize(NodeProto n, T x, T scales, T sizes) {
    int[] s = x.shape();
    int[] out = s.clone();
    double[] scale = new double[2];
    for (int a = 0; a < 2; a++) {
      if (sizes != null && sizes.size() > 0) {
        out[2 + a] = (int) sizes.v()[2 + a];
        scale[a] = (double) out[2 + a] / s[2 + a];
      } else {
        scale[a] = scales.v()[2 + a];
        out[2 + a] = (int) Math.floor(s[2 + a] * scale[a]);
      }
    }
    String mode = str(n, "mode", "nearest");
    String transform = str(n, "coordinate_transformation_mode", "half_pixel");
    String nearest = str(n, "nearest_mode", "round_prefer_floor");
    double[] v = new double[out[0] * out[1] * out[2] * out[3]];
    int k = 0;
    for (int plane = 0; plane < s[0] * s[1]; plane++) {
      for (int oy = 0; oy < out[2]; oy++) {
        for (int ox = 0; ox < out[3]; ox++) {
          double sy = original(transform, oy, scale[0], s[2], out[2]);
          double sx = original(transform, ox, scale[1], s[3], out[3]);
          if (mode.equals("nearest")) {
            int iy = clamp(round(nearest, sy), s[2]);
            int ix = clamp(round(nearest, sx), s[3]);
            v[k++] = x.v()[(plane * s[2] + iy) * s[3] + ix];
          } else {
            sy = Math.max(0, Math.min(s[2] - 1, sy));
            sx = Math.max(0, Math.min(s[3] - 1, sx));
            int y0 = (int) sy;
            int x0 = (int) sx;
            int y1 = Math.min(y0 + 1, s[2] - 1);
            int x1 = Math.min(x0 + 1, s[3] - 1);
            double fy = sy - y0;
            double fx = sx - x0;
            int base = plane * s[2] * s[3];
            v[k++] = (1 - fy) * ((1 - fx) * x.v()[base + y0 * s[3] + x0] + fx * x.v()[base + y0 * s[3] + x1])
                + fy * ((1 - fx) * x.v()[base + y1 * s[3] + x0] + fx * x.v()[base + y1 * s[3] + x1]);
          }
        }
      }
    }
    return new T(out, v);
  }

  private static double original(String transform, int o, double scale, int in, int out) {
    return switch (transform) {
      case "align_corners" -> out == 1 ? 0 : o * (in - 1.0) / (out - 1.0);
      case "asymmetric" -> o / scale;
      case "pytorch_half_pixel" -> out > 1 ? (o + 0.5) / scale - 0.5 : 0;
      default -> (o + 0.5) / scale - 0.5;
    };
  }

  private static long round(String mode, double v) {
    return switch (mode) {
      case "floor" -> (long) Math.floor(v);
      case "ceil" -> (long) Math.ceil(v);
      case "round_prefer_ceil" -> Math.round(v);
      default -> v - Math.floor(v) == 0.5 ? (long) Math.floor(v) : Math.round(v);
    };
  }

  private static int clamp(long i, int size) {
    return (int) Math.max(0, Math.min(size - 1, i));
  }

  /** erf by its Maclaurin series (|x| < 3, error ~1e-13) and 1 - erfc by continued fraction beyond. */
  static double erf(double x) {
    double ax = Math.abs(x);
    if (ax < 3) {
      double term = x;
      double sum = x;
      for (int n = 1; n < 100; n++) {
        term *= -x * x / n;
        sum += term / (2 * n + 1);
      }
      return 2 / Math.sqrt(Math.PI) * sum;
    }
    double f = 0; // Lentz-free evaluation of the erfc continued fraction from the tail
    for (int n = 60; n >= 1; n--) {
      f = n / 2.0 / (ax + f);
    }
    double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
    return Math.signum(x) * (1 - erfc);
  }

  private static T pad(T x, T pads, double value) {
    int r = x.shape().length;
    int[] out = new int[r];
    for (int a = 0; a < r; a++) {
      out[a] = x.shape()[a] + (int) pads.v()[a] + (int) pads.v()[a + r];
    }
    double[] v = new double[Arrays.stream(out).reduce(1, (p, q) -> p * q)];
    Arrays.fill(v, value);
    int[] outStrides = strides(out);
    int[] idx = new int[r];
    for (int flat = 0; flat < x.size(); flat++) {
      int rest = flat;
      for (int a = r - 1; a >= 0; a--) {
        idx[a] = rest % x.shape()[a];
        rest /= x.shape()[a];
      }
      int dst = 0;
      for (int a = 0; a < r; a++) {
        dst += (idx[a] + (int) pads.v()[a]) * outStrides[a];
      }
      v[dst] = x.v()[flat];
    }
    return new T(out, v);
  }

  /** Softmax along one axis (opset 13 semantics). */
  private static T softmax(T x, int axis, boolean log) {
    int r = x.shape().length;
    int a = axis < 0 ? axis + r : axis;
    int k = x.shape()[a];
    int inner = 1;
    for (int d = a + 1; d < r; d++) {
      inner *= x.shape()[d];
    }
    double[] v = new double[x.size()];
    for (int row = 0; row < x.size() / k; row++) {
      int base = (row / inner) * k * inner + row % inner;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        max = Math.max(max, x.v()[base + j * inner]);
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        sum += Math.exp(x.v()[base + j * inner] - max);
      }
      for (int j = 0; j < k; j++) {
        double z = x.v()[base + j * inner] - max;
        v[base + j * inner] = log ? z - Math.log(sum) : Math.exp(z) / sum;
      }
    }
    return new T(x.shape(), v);
  }

  private static AttributeProto attr(NodeProto n, String name) {
    return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst().orElse(null);
  }

  private static long i(NodeProto n, String name, long fallback) {
    AttributeProto a = attr(n, name);
    return a == null ? fallback : a.getI();
  }

  private static double f(NodeProto n, String name, double fallback) {
    AttributeProto a = attr(n, name);
    return a == null ? fallback : a.getF();
  }

  private static String str(NodeProto n, String name, String fallback) {
    AttributeProto a = attr(n, name);
    return a == null ? fallback : a.getS().toStringUtf8();
  }

  private static long[] ints(NodeProto n, String name) {
    AttributeProto a = attr(n, name);
    return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  /** Opset 11 keeps axes/split as attributes. */
  private static T longsAsTensor(long[] v) {
    return new T(new int[] {v.length}, java.util.Arrays.stream(v).asDoubleStream().toArray());
  }

  private static long[] or(long[] v, long fallback) {
    return v != null ? v : new long[] {fallback, fallback};
  }
}
