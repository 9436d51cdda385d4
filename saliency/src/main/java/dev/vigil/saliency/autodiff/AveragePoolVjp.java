package dev.vigil.saliency.autodiff;

import java.util.Arrays;
import java.util.List;

/**
 * AveragePool: Y[o] = (1/|w(o)|) sum over window w(o) of X, where |w(o)| is the kernel size, or with
 * count_include_pad=0 only its cells inside the input. So dL/dX = ConvTranspose(dL/dY / |w|, ones) per channel
 * (group = C): each output spreads its share evenly back over its window.
 */
final class AveragePoolVjp implements Vjp {

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    long[] x = n.inShape(0); // [N, C, I...]
    long[] y = n.outShape(0); // [N, C, O...]
    long[] kernel = n.attrInts("kernel_shape", null);
    if (kernel == null) {
      throw n.unsupported("kernel_shape is missing");
    }
    if (Arrays.stream(n.attrInts("dilations", SpatialWindow.filled(kernel.length, 1))).anyMatch(d -> d != 1)) {
      throw n.unsupported("dilated average pooling is not supported");
    }
    long[] in = SpatialWindow.spatial(x);
    long[] out = SpatialWindow.spatial(y);
    SpatialWindow window = SpatialWindow.of(n, kernel, in, out);
    boolean countPad = n.attrInt("count_include_pad", 0) != 0;
    float[] windowSize = windowSizes(window, in, out, countPad);
    long[] countDims = new long[x.length]; // [1, 1, O...]
    countDims[0] = 1;
    countDims[1] = 1;
    System.arraycopy(out, 0, countDims, 2, out.length);
    String share = b.op("Div", List.of(n.gradient(0), b.constant(windowSize, countDims)));
    long channels = x[1];
    long[] onesDims = new long[x.length]; // [C, 1, k...]
    onesDims[0] = channels;
    onesDims[1] = 1;
    System.arraycopy(kernel, 0, onesDims, 2, kernel.length);
    float[] ones = new float[(int) Tensors.numel(onesDims)];
    Arrays.fill(ones, 1f);
    String dLdX = b.op("ConvTranspose", List.of(share, b.constant(ones, onesDims)),
        window.adjoint(in, out, channels));
    n.addGradient(0, dLdX);
  }

  /** |w(o)| for every output position, as ONNX Runtime divides (windows clipped to input+pads, or to input). */
  private static float[] windowSizes(SpatialWindow win, long[] in, long[] out, boolean countPad) {
    int total = (int) Tensors.numel(out);
    float[] sizes = new float[total];
    int r = out.length;
    for (int flat = 0; flat < total; flat++) {
      long size = 1;
      int rest = flat;
      for (int a = r - 1; a >= 0; a--) {
        long o = rest % out[a];
        rest /= (int) out[a];
        long start = o * win.strides()[a] - win.padsBegin()[a];
        long end = Math.min(start + win.kernel()[a], in[a] + win.padsEnd()[a]);
        long count = countPad ? end - start : Math.min(end, in[a]) - Math.max(start, 0);
        size *= Math.max(count, 1);
      }
      sizes[flat] = size;
    }
    return sizes;
  }
}
